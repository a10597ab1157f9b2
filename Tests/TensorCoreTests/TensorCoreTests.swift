import Testing

// Tests of the TensorCore target live in this folder.
