// Which events an analysis may count. An import that did not finish (killed, cancelled, or
// the file changed under it) holds part of a file; counting it would skew every rate without
// a word, so the analysis leaves such sources out and names them instead.
export const COMPLETE_SOURCES = `source_id IN (SELECT id FROM sources WHERE state = 'complete')`;
