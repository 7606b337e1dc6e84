// Serves files from a folder with the right MIME types, CORS for media, and no path traversal.
import { createReadStream, promises as fs } from 'node:fs';
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
 * there is no such file, so the caller can answer 404.
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
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    return false;
  }
  if (!stat.isFile()) return false;
  res.writeHead(200, {
    'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    'Cache-Control': 'no-cache',
    ...extraHeaders,
  });
  createReadStream(file).pipe(res);
  return true;
}
