// VolumeService::Batch — ops of one session applied in order (proto BatchRequest).
// Placeholder until the handler lands: the generated base answers UNIMPLEMENTED.
