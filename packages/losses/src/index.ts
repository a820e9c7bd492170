// One export line per loss, sorted by file name (part A and part B each append theirs).
export {};
