/**
 * The files of a data folder: what kind each is, in byte-wise sorted name order (the order `ls`
 * gives under LC_ALL=C, and Python's `sorted` over UTF-8 byte strings), so that samples line up
 * with a labels file written in the same order on any machine.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.bmp'] as const;

export type FileKind = 'npy' | 'npz' | 'image' | 'other' | 'folder';

export interface FolderEntry {
  name: string;
  path: string;
  kind: FileKind;
}

export function fileKind(name: string): Exclude<FileKind, 'folder'> {
  const ext = extname(name).toLowerCase();
  if (ext === '.npy') return 'npy';
  if (ext === '.npz') return 'npz';
  if ((IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return 'image';
  return 'other';
}

/**
 * Files that are no one's data: dotfiles (.DS_Store, editor swap files, .gitkeep) and the
 * thumbnail caches Windows hides.
 */
export function isHidden(name: string): boolean {
  return name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini';
}

export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The visible entries of a folder, sorted byte-wise; symbolic links are followed. */
export async function listFolder(folder: string): Promise<FolderEntry[]> {
  const entries = (await readdir(folder, { withFileTypes: true })).filter((e) => !isHidden(e.name)).sort((a, b) => byteOrder(a.name, b.name));
  return Promise.all(
    entries.map(async (entry): Promise<FolderEntry> => {
      const path = join(folder, entry.name);
      // Only links need a stat to tell a linked folder from a linked file.
      const isFolder = entry.isSymbolicLink() ? ((await stat(path).catch(() => undefined))?.isDirectory() ?? false) : entry.isDirectory();
      return { name: entry.name, path, kind: isFolder ? 'folder' : fileKind(entry.name) };
    }),
  );
}
