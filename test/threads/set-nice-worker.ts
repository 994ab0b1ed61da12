// A thread that sets its own nice value (thread-priority.test.ts) and says which thread it is and how it went.
import { parentPort, workerData } from 'node:worker_threads';
import { currentThreadId, setCurrentThreadNice } from '../../src/thread-priority.js';

const refused = setCurrentThreadNice(workerData as number);
parentPort!.postMessage({ tid: currentThreadId(), refused });
