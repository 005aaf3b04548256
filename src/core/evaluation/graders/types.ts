/** The verdict of an answer grader on one model output. */
export interface GradeResult {
  /** Whether the extracted answer matches the reference. */
  correct: boolean;
  /** The final answer found in the output (normalised for GSM8K), or undefined when none was found. */
  extracted: string | undefined;
  /** The reference answer it was compared with. */
  reference: string;
  /** One line saying what was extracted from where and why it did or did not match. */
  reason: string;
}
