import Testing

// Tests of the Clustering target live in this folder.
