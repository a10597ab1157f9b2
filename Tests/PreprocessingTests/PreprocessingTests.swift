import Testing

// Tests of the Preprocessing target live in this folder.
