// Public API of @catalytic/planner.
export {};
