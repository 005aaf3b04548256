/** Minimal multipart/form-data parser: enough for the SDK's `files.create({ file, purpose })`. */
import { HttpError } from './http';

export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export function parseMultipart(body: Buffer, contentTypeHeader: string | undefined): FormPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentTypeHeader ?? '');
  const token = boundary?.[1] ?? boundary?.[2];
  if (!contentTypeHeader?.toLowerCase().startsWith('multipart/form-data') || !token) {
    throw new HttpError(400, 'expected a multipart/form-data body');
  }
  const open = Buffer.from(`--${token}`);
  // Every part after the first is introduced by CRLF + --boundary; the CRLF belongs to the delimiter.
  const delimiter = Buffer.from(`\r\n--${token}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(open);
  if (pos < 0) throw new HttpError(400, 'multipart boundary not found');
  pos += open.length;
  for (;;) {
    if (body.subarray(pos, pos + 2).toString() === '--') break; // closing delimiter
    const headerStart = pos + 2; // skip CRLF after the boundary
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd < 0) throw new HttpError(400, 'malformed multipart part headers');
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next < 0) throw new HttpError(400, 'unterminated multipart part');
    parts.push(partFrom(body.toString('utf8', headerStart, headerEnd), body.subarray(headerEnd + 4, next)));
    pos = next + delimiter.length;
  }
  return parts;
}

function partFrom(headerText: string, data: Buffer): FormPart {
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) throw new HttpError(400, 'multipart part without a name');
  const part: FormPart = { name, data };
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  if (filename !== undefined) part.filename = filename;
  const contentType = headers.get('content-type');
  if (contentType !== undefined) part.contentType = contentType;
  return part;
}
