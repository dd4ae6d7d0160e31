// A tiny static server for a built site on 127.0.0.1, shared by run.mjs and
// search-eval.mjs: serves files as they are, index.html for folders, the
// site's 404.html for anything missing, and nothing outside the root.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".xml": "application/xml",
  ".pdf": "application/pdf",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
};

// `prefix` serves the site under a sub-path (`/org-repo/`), as a GitHub
// project site is.
export function serve(root, prefix = "/") {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    const send = (status, file, headers = {}) => {
      const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
      fs.readFile(file, (err, body) => {
        if (err) {
          res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
          return;
        }
        res.writeHead(status, { "content-type": type, "content-length": body.length, ...headers });
        res.end(req.method === "HEAD" ? undefined : body);
      });
    };
    const notFound = () => {
      const page = path.join(root, "404.html");
      if (fs.existsSync(page)) send(404, page);
      else res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!pathname.startsWith(prefix)) return notFound();
    pathname = "/" + pathname.slice(prefix.length);
    const file = path.join(root, pathname);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound();
    fs.stat(file, (err, st) => {
      if (err) return notFound();
      if (st.isDirectory()) {
        if (!pathname.endsWith("/")) {
          const q = new URL(req.url, "http://x").search;
          res.writeHead(301, { location: encodeURI(prefix + pathname.slice(1) + "/") + q }).end();
          return;
        }
        const index = path.join(file, "index.html");
        return fs.existsSync(index) ? send(200, index) : notFound();
      }
      send(200, file);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({ server, base: `http://127.0.0.1:${server.address().port}` });
    });
  });
}
