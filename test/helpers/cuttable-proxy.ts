/** A TCP proxy of a test's own, to cut a server (PostgreSQL, NATS) away without touching it. */
import net from 'node:net';

export interface CuttableProxy {
  /** The target's URL with the proxy's port. */
  url: string;
  /** Every connection dropped, new ones refused. */
  cut(): Promise<void>;
  /** Takes connections again, on the same port. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** Connections taken since the proxy was made. */
  readonly accepted: number;
}

/** A TCP proxy to `target` (e.g. PostgreSQL) that can be cut and opened again. */
export async function cuttableProxy(target: URL, defaultPort = 5432): Promise<CuttableProxy> {
  const socks = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  let accepted = 0;
  const open = () => new Promise<void>((resolve) => {
    server = net.createServer((c) => {
      accepted++;
      const t = net.connect(Number(target.port || defaultPort), target.hostname);
      socks.add(c).add(t);
      c.pipe(t).pipe(c);
      const end = () => { c.destroy(); t.destroy(); socks.delete(c); socks.delete(t); };
      for (const s of [c, t]) { s.on('error', end); s.on('close', end); }
    });
    server.listen(port, '127.0.0.1', () => { port = (server!.address() as net.AddressInfo).port; resolve(); });
  });
  const cut = async () => {
    const s = server;
    server = null;
    for (const x of socks) x.destroy();
    socks.clear();
    if (s) await new Promise((r) => s.close(r));
  };
  await open();
  const url = new URL(target.href);
  url.port = String(port);
  return { url: url.href, cut, open, close: cut, get accepted() { return accepted; } };
}
