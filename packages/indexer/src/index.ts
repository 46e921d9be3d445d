// Public API of @catalytic/indexer.
export {};
