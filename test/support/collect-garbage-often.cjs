// Preloaded into a server under test (with --expose-gc): collects garbage every 20 ms, so native objects
// such as prepared statements are finalised while the server is busy, as a long-lived process sees it.
setInterval(() => globalThis.gc(), 20).unref();
