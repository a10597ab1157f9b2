import Testing

// Tests of the Metrics target live in this folder.
