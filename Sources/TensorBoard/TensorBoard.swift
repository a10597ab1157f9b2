/// TensorBoard event files: see `EventWriter`.
public enum TensorBoard {}
