// Filled in by its issue; the subpath export exists so the build map is complete.
export {};
