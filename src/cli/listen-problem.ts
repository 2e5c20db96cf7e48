/** How a listener that could not open is said to the operator, by `start` and `simulator` alike. */

/** `EADDRINUSE` → `address in use (EADDRINUSE)`; other listen failures keep node's message. */
export function listenProblem(e: NodeJS.ErrnoException): string {
  if (e.code === 'EADDRINUSE') return 'address in use (EADDRINUSE)';
  if (e.code === 'EADDRNOTAVAIL') return 'address not available on this host (EADDRNOTAVAIL)';
  if (e.code === 'EACCES') return 'permission denied (EACCES: a port below 1024 needs privileges)';
  return e.message;
}
