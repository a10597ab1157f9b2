import Testing

// Tests of the Fraud target live in this folder.
