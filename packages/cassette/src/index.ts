// Public API of @catalytic/cassette.
export {};
