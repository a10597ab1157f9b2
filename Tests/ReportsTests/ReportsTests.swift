import Testing

// Tests of the Reports target live in this folder.
