import { readdirSync, readFileSync } from 'node:fs';

/** Nice value of every thread of this process (Linux: field 19 of /proc/self/task/TID/stat). */
export function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // fields from the third on follow the parenthesised command name; nice is the 19th
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}
