/** Where file bytes live. Keys are opaque to callers and never leave the server. */
export interface BlobStore {
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when the key is unknown. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the blob; a missing key is not an error. */
  delete(key: string): Promise<void>;
}
