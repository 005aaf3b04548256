// Shared by the two window-restore suites.
export const RESTORE_RUN = 'restore';
export const RESTORE_DATASET = `${RESTORE_RUN}__fake__instance_generation.math`;
/** The slot selected before the reload, whose detail must show after it. */
export const RESTORE_SLOT = 2;

/** The start of an instruction as the table shows it (whitespace collapsed). */
export function tableHead(instruction: string): string {
  return instruction.replace(/\s+/g, ' ').trim().slice(0, 40);
}
