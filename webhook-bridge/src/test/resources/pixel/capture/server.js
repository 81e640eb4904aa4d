// Two origins: the page (9301) and a collector standing in for the bridge (9302), which logs every request.
const http = require('http');
const fs = require('fs');
const path = require('path');
const outDir = process.env.OUT || path.join(__dirname, 'captures');
const allowCredentials = process.env.ALLOW_CREDENTIALS !== 'false';
let n = 0;
const page = http.createServer((req, res) => {
  if (req.url.startsWith('/lib.js')) {
    res.writeHead(200, {'Content-Type': 'application/javascript'});
    return res.end(fs.readFileSync(path.join(__dirname, 'lib.js')));
  }
  if (req.url.startsWith('/shop')) {
    res.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'});
    return res.end(fs.readFileSync(path.join(__dirname, req.url.includes('tag=1') ? 'page-tag.html' : 'page.html')));
  }
  res.writeHead(200, {'Content-Type': 'text/html'}); res.end('<html><head><title>Landing</title></head><body><a id="go" href="">go</a></body></html>');
});
const collector = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const seq = String(++n).padStart(2, '0');
    const record = {method: req.method, url: req.url, headers: req.headers, body: body};
    fs.writeFileSync(path.join(outDir, `${seq}-${req.method}.json`), JSON.stringify(record, null, 2));
    const origin = req.headers.origin;
    const headers = {'Content-Type': 'application/json'};
    if (origin) {
      headers['Access-Control-Allow-Origin'] = origin;
      headers['Vary'] = 'Origin';
      if (allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
    }
    if (req.method === 'OPTIONS') {
      headers['Access-Control-Allow-Methods'] = 'POST';
      headers['Access-Control-Allow-Headers'] = req.headers['access-control-request-headers'] || 'Content-Type';
      res.writeHead(204, headers); return res.end();
    }
    res.writeHead(200, headers); res.end('{"success":true}');
  });
});
page.listen(9301, '127.0.0.1');
collector.listen(9302, '127.0.0.1');
