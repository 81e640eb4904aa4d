// The library under Node (no window): what it builds for the server path, and whether its own transport sends it.
const { usermavenClient } = require('./lib.js');
const client = usermavenClient({ key: 'sk_capture_key', trackingHost: 'http://127.0.0.1:9302', logLevel: 0 });
const transport = client.transport;
console.log('transport:', transport.constructor.name, transport.constructUrl('sk_capture_key'));
const original = transport.send.bind(transport);
transport.send = async (payload) => {
  try {
    await original(payload);
    console.log('own transport: sent');
  } catch (e) {
    console.log('own transport failed:', e.message);
  }
  // Post what the library built to the same URL its transport would have used.
  const res = await fetch(transport.constructUrl('sk_capture_key'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
  console.log('posted', res.status);
};
(async () => {
  await client.id({ id: 'user-42', email: 'ada@example.com', plan: 'pro' });
  await new Promise(r => setTimeout(r, 1500));
  client.track('order_completed', { order_id: 'o-1001', revenue: 49.9, currency: 'EUR' });
  await new Promise(r => setTimeout(r, 3000));
  process.exit(0);
})();
