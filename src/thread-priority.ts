// The scheduling priority (nice value) of the calling thread. On Linux each thread of a process is a task
// with its own nice value, which setpriority(2) sets given the thread's id (os.setPriority passes it
// through); elsewhere a process has one priority for all its threads, so nothing is changed there.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The kernel's id of the calling thread (Linux: /proc/thread-self links to `<pid>/task/<tid>`), or null. */
export function currentThreadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Sets the calling thread's nice value (-20, first, to 19, last; 0 is the default). Returns null once set,
 * else why it was not: not Linux, or not permitted (a value below the thread's current one needs
 * CAP_SYS_NICE or a large enough RLIMIT_NICE).
 */
export function setCurrentThreadNice(nice: number): string | null {
  const tid = currentThreadId();
  if (tid === null) return 'per-thread priorities need Linux';
  try {
    if (getPriority(tid) !== nice) setPriority(tid, nice);
    return null;
  } catch (e) {
    // a refusal of the system call is a SystemError whose info holds the errno's name (EACCES)
    const err = e as NodeJS.ErrnoException & { info?: { code?: string } };
    return err.info?.code ?? err.code ?? String(e);
  }
}
