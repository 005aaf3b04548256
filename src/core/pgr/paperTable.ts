import { PGR_COLUMNS } from './columns';

/** One generator's row of the paper's Table 2 (PGR %, in PGR_COLUMNS order). */
export interface PaperRow {
  generator: string;
  values: number[];
}

/**
 * The paper's Table 2 (PGR % of Llama-3.1-8B students per generator and setting), shown next to
 * our own numbers so a run can be checked against the published ones.
 * Source: Kim et al., "Evaluating Language Models as Synthetic Data Generators" (AgoraBench), Table 2.
 */
export const PAPER_TABLE2: { columns: string[]; rows: PaperRow[] } = {
  columns: [...PGR_COLUMNS],
  rows: [
    { generator: 'GPT-4o', values: [20.6, 73.6, 46.1, 46.8, 46.7, 28.5, 30.3, 35.2, 21.9, -8.8, 7.1, 6.7] },
    { generator: 'GPT-4o-mini', values: [16.1, 41.9, 18.0, 25.3, 48.1, 18.9, 13.7, 26.9, 17.8, -11.2, 9.9, 5.5] },
    { generator: 'Claude-3.5-Sonnet', values: [8.9, 23.4, 40.1, 24.1, 29.0, 44.5, 12.7, 28.8, 15.7, 16.1, 21.8, 17.9] },
    { generator: 'Llama-3.1-405B-Instruct', values: [10.4, 12.6, 7.4, 10.1, 31.7, 35.4, 4.9, 24.0, -11.8, 7.5, 3.6, -0.2] },
    { generator: 'Llama-3.1-70B-Instruct', values: [9.6, 58.7, 6.5, 24.9, 23.0, 37.1, 4.5, 21.5, -21.8, 6.9, 2.7, -4.1] },
    { generator: 'Llama-3.1-8B-Instruct', values: [6.5, 55.7, 6.2, 22.8, 27.6, 25.8, 5.0, 19.4, -1.7, 15.4, 3.0, 5.6] },
  ],
};
