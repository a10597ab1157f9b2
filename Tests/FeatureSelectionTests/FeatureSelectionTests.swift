import Testing

// Tests of the FeatureSelection target live in this folder.
