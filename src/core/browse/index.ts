export { BrowseClient, BrowseError, type BrowseClientOptions } from './browseClient';
export type { BrowseDataset, BrowseOps, BrowseOp } from './protocol';
export { DatasetBrowser, metricLabel, ROW_TEXT_CHARS } from './datasetBrowser';
