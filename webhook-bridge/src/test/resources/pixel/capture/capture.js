// Drives Debian's chromium headless through the page and lets the real pixel post to the collector.
const puppeteer = require('puppeteer-core');
const transport = process.argv[2] || 'xhr';
const autocapture = process.argv.includes('autocapture');
const tag = process.argv.includes('tag');
(async () => {
  const browser = await puppeteer.launch({executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox']});
  const page = await browser.newPage();
  page.on('console', m => console.log('console:', m.text()));
  await page.goto('http://localhost:9301/landing?t=' + transport + (autocapture ? '&ac' : '') + (tag ? '&tag' : '') + (process.argv.includes('randomize') ? '&rnd' : ''));
  await page.evaluate(() => {
    const a = document.getElementById('go');
    a.href = 'http://localhost:9301/shop/pricing?plan=pro&utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale&utm_term=running+shoes&utm_content=hero%20banner&transport='
      + new URLSearchParams(location.search).get('t') + (new URLSearchParams(location.search).has('ac') ? '&autocapture=true' : '') + (new URLSearchParams(location.search).has('tag') ? '&tag=1' : '') + (new URLSearchParams(location.search).has('rnd') ? '&randomize=true' : '');
  });
  await Promise.all([page.waitForNavigation(), page.click('#go')]);
  await new Promise(r => setTimeout(r, 1500));
  await page.evaluate(() => window.pixel.track('signup_clicked', {plan: 'pro', price: 49.9, seats: 3, tags: ['a', 'b'], nested: {ok: true}}));
  await new Promise(r => setTimeout(r, 1500));
  await page.evaluate(() => window.pixel.id({id: 'user-42', email: 'ada@example.com', first_name: 'Ada', plan: 'pro', created_at: '2026-11-02T10:00:00Z'}));
  await new Promise(r => setTimeout(r, 1500));
  await page.evaluate(() => window.pixel.pageview());
  await new Promise(r => setTimeout(r, 1500));
  await page.evaluate(() => window.pixel.group({id: 'acme', name: 'Acme Inc', created_at: '2026-01-15T00:00:00Z', plan: 'enterprise'}));
  await new Promise(r => setTimeout(r, 1500));
  if (autocapture) {
    await page.click('#buy');
    await new Promise(r => setTimeout(r, 1500));
  }
  const cookies = await page.cookies();
  console.log('cookies:', JSON.stringify(cookies.map(c => ({name: c.name, value: c.value, domain: c.domain}))));
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
