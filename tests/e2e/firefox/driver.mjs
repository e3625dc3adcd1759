// Drives Debian's firefox-esr over WebDriver BiDi (puppeteer-core: no browser download) for
// tests/e2e/firefox_bidi.py. One JSON request a line on stdin, one JSON answer a line on stdout:
//   {"id": 1, "op": "open", "url": "file:///...", "width": 1280, "height": 800}
//   {"id": 2, "op": "eval", "fn": "(a) => ...", "args": [...]}
//   {"id": 3, "op": "wait", "fn": "(a) => ...", "args": [...], "timeout": 10000}
//   {"id": 4, "op": "press", "key": "ArrowLeft"}   (a real key press, to the focused element)
//   {"id": 5, "op": "screenshot", "path": "/tmp/x.png"}
//   {"id": 6, "op": "requests"}          -> {"allowed": [...], "blocked": [...]}
// Every request but the opened file itself and data:/blob: URLs is aborted (and counted): the page is offline.
import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const executablePath = process.env.DSPYER_FIREFOX || "/usr/bin/firefox-esr";
// A second wall behind the interception: any request that slips past it goes to a closed port.
const offlinePrefs = {
  "network.proxy.type": 1,
  "network.proxy.http": "127.0.0.1",
  "network.proxy.http_port": 9,
  "network.proxy.ssl": "127.0.0.1",
  "network.proxy.ssl_port": 9,
  "network.proxy.no_proxies_on": "",
  "network.proxy.allow_hijacking_localhost": true,
  "network.dns.disablePrefetch": true,
  "network.prefetch-next": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
};

const browser = await puppeteer.launch({
  browser: "firefox",
  protocol: "webDriverBiDi",
  executablePath,
  headless: true,
  extraPrefsFirefox: offlinePrefs,
});
let page = null;
let allowed = [];
let blocked = [];

function call(fn, args) {
  return `(${fn})(...${JSON.stringify(args ?? [])})`;
}

const ops = {
  async version() {
    return await browser.version();
  },
  async open({ url, width = 1280, height = 800, timeout = 30_000 }) {
    if (page) await page.close();
    allowed = [];
    blocked = [];
    page = await browser.newPage();
    await page.setViewport({ width, height });
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      if (request.isInterceptResolutionHandled()) return;
      // the file itself, and what the page holds already (data: fonts of its CSS): no network
      if (request.url() === url || /^(data|blob|about):/.test(request.url())) {
        allowed.push(request.url().slice(0, 80));
        request.continue();
      } else {
        blocked.push(request.url());
        request.abort();
      }
    });
    const started = performance.now();
    await page.goto(url, { waitUntil: "load", timeout });
    return { load_ms: performance.now() - started };
  },
  async eval({ fn, args }) {
    return await page.evaluate(call(fn, args));
  },
  async wait({ fn, args, timeout = 30_000 }) {
    const handle = await page.waitForFunction(call(fn, args), { timeout, polling: 50 });
    const value = await handle.jsonValue();
    await handle.dispose();
    return value;
  },
  async press({ key }) {
    await page.keyboard.press(key);
    return key;
  },
  async screenshot({ path }) {
    await page.screenshot({ path });
    return path;
  },
  async requests() {
    return { allowed, blocked };
  },
};

const lines = createInterface({ input: process.stdin });
const answer = (message) => process.stdout.write(JSON.stringify(message) + "\n");
answer({ id: 0, ok: true, value: await browser.version() });
for await (const line of lines) {
  if (!line.trim()) continue;
  const { id, op, ...params } = JSON.parse(line);
  try {
    if (!(op in ops)) throw new Error(`unknown op ${op}`);
    answer({ id, ok: true, value: (await ops[op](params)) ?? null });
  } catch (error) {
    answer({ id, ok: false, error: String(error?.message ?? error).split("\n")[0] });
  }
}
await browser.close();
