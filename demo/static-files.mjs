// Serves files from a folder with the right MIME types, CORS for media, and no path traversal.
// A file that cannot be opened or read (permissions, removed meanwhile, an I/O error) is answered
// 404 or 500, or the response is cut off if bytes were already sent; it never crashes the server.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** MIME types of the files the demo serves. */
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.mpd': 'application/dash+xml',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Sends `relativePath` from `root` if it exists inside it. Returns false when
 * there is no such file, so the caller can answer 404. A file that exists but
 * cannot be opened is answered here (403 or 500); a read error before the first
 * byte is answered 500, one after it closes the connection (the client sees a
 * short body). The promise never rejects for file-system errors.
 */
export async function sendFile(res, root, relativePath, extraHeaders = {}) {
  let decoded;
  try {
    decoded = decodeURIComponent(relativePath);
  } catch {
    return false;
  }
  const resolvedRoot = path.resolve(root);
  const file = path.resolve(resolvedRoot, '.' + path.posix.normalize('/' + decoded));
  if (file !== resolvedRoot && !file.startsWith(resolvedRoot + path.sep)) return false;
  // Open first, then stat the open file: no window in which the file can vanish between the
  // check and the read.
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'ELOOP' || error.code === 'EISDIR') return false;
    sendError(res, error.code === 'EACCES' || error.code === 'EPERM' ? 403 : 500, extraHeaders);
    return true;
  }
  let stat;
  try {
    stat = await handle.stat();
  } catch {
    await handle.close().catch(() => undefined);
    sendError(res, 500, extraHeaders);
    return true;
  }
  if (!stat.isFile()) {
    await handle.close().catch(() => undefined);
    return false;
  }
  // Headers are set, not written: they go out with the first byte, so a read error before it
  // can still become a clean 500.
  res.statusCode = 200;
  const headers = {
    'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    'Cache-Control': 'no-cache',
    ...extraHeaders,
  };
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  const stream = handle.createReadStream();
  // A read error: a clean 500 if nothing was sent yet, else cut the connection (the client sees
  // a short body, as Content-Length promised more). Never an unhandled 'error' event.
  stream.on('error', () => {
    stream.unpipe(res);
    if (!res.headersSent) {
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      sendError(res, 500, extraHeaders);
    } else {
      res.destroy();
    }
  });
  // The client went away: close the file now rather than at garbage collection. The handle is
  // closed explicitly too: a stream destroyed before its first read may leave it to the GC.
  res.on('close', () => stream.destroy());
  stream.on('close', () => handle.close().catch(() => undefined));
  stream.pipe(res);
  return true;
}

/** Answers a static file that exists but cannot be read. */
function sendError(res, status, extraHeaders) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store', ...extraHeaders });
  res.end(status === 403 ? 'forbidden' : 'file could not be read');
}
