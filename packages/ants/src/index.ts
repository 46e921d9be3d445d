// Public API of @catalytic/ants.
export {};
