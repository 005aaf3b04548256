/** OpenAI Files API subset: upload batch input, fetch metadata and raw content (batch output too). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, newId, nowSeconds, readBody, send, sendJson } from './http';
import { parseMultipart } from './multipart';
import type { ServerState, StoredFile } from './state';

export function fileObject(file: StoredFile): Record<string, unknown> {
  return {
    id: file.id,
    object: 'file',
    bytes: file.content.length,
    created_at: file.createdAt,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    status_details: null,
    expires_at: null,
  };
}

/** Also used by the batch code to publish output/error files. */
export function storeFile(state: ServerState, filename: string, purpose: string, content: Buffer): StoredFile {
  const file: StoredFile = { id: newId('file-'), filename, purpose, createdAt: nowSeconds(), content };
  state.files.set(file.id, file);
  return file;
}

export async function uploadFile(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parts = parseMultipart(await readBody(req), req.headers['content-type']);
  const purpose = parts.find((p) => p.name === 'purpose')?.data.toString('utf8');
  const filePart = parts.find((p) => p.name === 'file');
  if (!purpose) throw new HttpError(400, "missing 'purpose' field");
  if (!filePart) throw new HttpError(400, "missing 'file' field");
  const file = storeFile(state, filePart.filename ?? 'upload', purpose, filePart.data);
  sendJson(res, 200, fileObject(file));
}

export function getFile(state: ServerState, id: string): StoredFile {
  const file = state.files.get(id);
  if (!file) throw new HttpError(404, `No such File object: ${id}`);
  return file;
}

export function listFiles(state: ServerState, res: ServerResponse): void {
  const data = [...state.files.values()].map(fileObject);
  sendJson(res, 200, { object: 'list', data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
}

export function sendFileContent(file: StoredFile, res: ServerResponse): void {
  send(res, 200, file.content, 'application/octet-stream');
}

export function deleteFile(state: ServerState, id: string, res: ServerResponse): void {
  getFile(state, id);
  state.files.delete(id);
  sendJson(res, 200, { id, object: 'file', deleted: true });
}
