// Hands an exported file to the browser as a download: in web mode the browser saves it; in
// the desktop app Electron asks where with its own save dialog (electron/main/reviewExport.ts).
import type { ReviewExport } from '../../shared/api';

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function downloadExport(file: ReviewExport): void {
  const body = file.encoding === 'base64' ? base64Bytes(file.content) : file.content;
  const url = URL.createObjectURL(new Blob([body], { type: file.mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download reads the blob after the click returns: free it a while later, not now.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
