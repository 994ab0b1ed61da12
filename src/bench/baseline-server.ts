// The baseline: a bare node:http server answering each recorded request with the exact bytes (and
// content-type) the real server gave for it. It costs what HTTP and the bytes cost, nothing else, so
// ror / baseline is the share of the hardware the real server's own work leaves.

import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One recorded answer. The key is the request's Authorization header and its path (the answer of the
 * real server depends on the caller's profile). */
export interface Recording {
  authorization: string;
  path: string;
  status: number;
  contentType: string;
  /** The body, base64. */
  body: string;
}

export const recordingKey = (authorization: string | undefined, path: string) => `${authorization ?? ''} ${path}`;

interface Answer {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
}

export function createBaselineServer(recordings: Recording[]): Server {
  const answers = new Map<string, Answer>();
  for (const r of recordings) {
    const body = Buffer.from(r.body, 'base64');
    answers.set(recordingKey(r.authorization, r.path), {
      status: r.status,
      headers: { 'content-type': r.contentType, 'content-length': body.length },
      body,
    });
  }
  return createServer((req: IncomingMessage, res) => {
    const answer = answers.get(recordingKey(req.headers.authorization, req.url ?? '/'));
    if (!answer) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not recorded\n');
      return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
}
