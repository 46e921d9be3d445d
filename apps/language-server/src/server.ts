// Language server entry (stdio).
export {};
