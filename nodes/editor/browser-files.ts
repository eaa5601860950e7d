/** Files picked in the browser: the part of the DOM's File and FileList the editors use. */
export interface PickedFile {
  readonly name: string;
  text(): Promise<string>;
}

/** The files of an `<input type="file">` (its `files` property), as an array. */
export function pickedFiles(files: unknown): PickedFile[] {
  if (files === null || typeof files !== 'object' || typeof (files as { length?: unknown }).length !== 'number') return [];
  return Array.from(files as ArrayLike<PickedFile>);
}
