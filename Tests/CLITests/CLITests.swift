import Testing

// Tests of the CLI target live in this folder.
