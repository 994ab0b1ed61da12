// How many frames of the WAL the database file does not have yet, read from the WAL-index (the -shm file),
// whose layout SQLite documents (https://sqlite.org/walformat.html, "The WAL-Index Format"): the header's
// mxFrame (the last valid frame, u32 at byte 16) and the checkpoint information's nBackfill (the frames
// already copied back, u32 at byte 96), in the machine's byte order. The WAL file's size says nothing of
// this: SQLite reuses the file from its start after a checkpoint and never shrinks it below
// journal_size_limit, so a size test fires at every look once the file has grown. Only the background
// checkpoints' timing depends on this reading (a misreading makes one early or late, never wrong).
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';

/** Bytes read: the two header copies and nBackfill. */
const HEADER = 100;
const read32 = endianness() === 'LE' ? (b: Buffer, at: number) => b.readUInt32LE(at) : (b: Buffer, at: number) => b.readUInt32BE(at);

export class WalPending {
  private fd: number | null = null;
  private readonly buffer = Buffer.alloc(HEADER);

  constructor(private readonly databaseFile: string) {}

  /** Frames not yet checkpointed; null when the WAL-index cannot be read (absent, being created). */
  frames(): number | null {
    try {
      this.fd ??= openSync(`${this.databaseFile}-shm`, 'r');
      if (readSync(this.fd, this.buffer, 0, HEADER, 0) < HEADER) return null;
    } catch {
      this.close(); // the file was removed (the last connection closed): opened again next time
      return null;
    }
    const last = read32(this.buffer, 16);
    const backfilled = read32(this.buffer, 96);
    return last >= backfilled ? last - backfilled : null;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
