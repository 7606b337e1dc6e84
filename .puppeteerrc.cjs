// puppeteer downloads its own Chrome on install unless told not to. Skip the download when a
// system Chrome/Chromium is given (CHROME_BIN) or present, as on machines without internet access.
const fs = require('node:fs');

const systemChrome = process.env.CHROME_BIN || ['/usr/bin/chromium', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));

module.exports = {
  skipDownload: Boolean(process.env.PUPPETEER_SKIP_DOWNLOAD) || Boolean(systemChrome),
  ...(systemChrome ? { executablePath: systemChrome } : {}),
};
