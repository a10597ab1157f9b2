import TensorBoard
import Testing

@Suite struct TensorBoardNamespaceTests {
    @Test func namespaceExists() { _ = TensorBoard.self }
}
