import Testing

// Tests of the Embedding target live in this folder.
