"""Models of the classify service: the sentence encoder, per-dimension heads, language detection."""
