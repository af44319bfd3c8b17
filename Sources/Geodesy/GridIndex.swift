import Foundation

/// A uniform-grid spatial index over planar points (metres).
///
/// Points are bucketed into square cells stored contiguously (compressed rows), so a query visits
/// only the cells that can hold a point within the search radius. `forEachPair(within:)` visits
/// every unordered pair closer than the radius exactly once, so banded pair counting costs
/// O(n + close pairs) instead of O(n^2) when the radius is small against the study area.
///
/// All coordinates must be finite.
public struct GridIndex: Sendable {
    /// Number of indexed points.
    public let count: Int
    /// Side of a cell in metres.
    public let cellSize: Double
    @usableFromInline let minX: Double
    @usableFromInline let minY: Double
    @usableFromInline let nx: Int
    @usableFromInline let ny: Int
    /// cellStart[c] ..< cellStart[c + 1] are the positions (in sorted order) of cell c's points.
    @usableFromInline let cellStart: [Int]
    /// Original index of the point at each sorted position.
    @usableFromInline let order: [Int]
    @usableFromInline let sx: [Double]
    @usableFromInline let sy: [Double]

    /// Builds the index. `cellSize` should be about the largest radius you will query; it is
    /// enlarged automatically when the grid would otherwise have far more cells than points.
    public init(points: [PlanarPoint], cellSize: Double) {
        self.init(x: points.map(\.x), y: points.map(\.y), cellSize: cellSize)
    }

    /// Builds the index from coordinate arrays of equal length.
    public init(x: [Double], y: [Double], cellSize requested: Double) {
        precondition(x.count == y.count, "x and y must have the same length")
        let n = x.count
        count = n
        var lx = Double.infinity, ly = Double.infinity, hx = -Double.infinity, hy = -Double.infinity
        for i in 0..<n {
            lx = min(lx, x[i]); hx = max(hx, x[i])
            ly = min(ly, y[i]); hy = max(hy, y[i])
        }
        if n == 0 { lx = 0; ly = 0; hx = 0; hy = 0 }
        let width = hx - lx, height = hy - ly
        var size = requested.isFinite && requested > 0 ? requested : max(width, height, 1)
        // Keep the number of cells within a small multiple of the number of points.
        let maxCells = Double(max(4 * n, 1024))
        while (width / size + 1) * (height / size + 1) > maxCells { size *= 1.5 }
        cellSize = size
        minX = lx
        minY = ly
        nx = Int(width / size) + 1
        ny = Int(height / size) + 1
        var cellOf = [Int](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: nx * ny + 1)
        for i in 0..<n {
            let cx = min(nx - 1, Int((x[i] - lx) / size))
            let cy = min(ny - 1, Int((y[i] - ly) / size))
            let c = cy * nx + cx
            cellOf[i] = c
            counts[c + 1] += 1
        }
        for c in 0..<(nx * ny) { counts[c + 1] += counts[c] }
        var fill = counts
        var ord = [Int](repeating: 0, count: n)
        var xs = [Double](repeating: 0, count: n)
        var ys = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let pos = fill[cellOf[i]]
            fill[cellOf[i]] += 1
            ord[pos] = i
            xs[pos] = x[i]
            ys[pos] = y[i]
        }
        cellStart = counts
        order = ord
        sx = xs
        sy = ys
    }

    @inlinable
    func cellCoordinates(x: Double, y: Double) -> (Int, Int) {
        let fx = ((x - minX) / cellSize).rounded(.down)
        let fy = ((y - minY) / cellSize).rounded(.down)
        let cx = fx < -1 ? -1 : (fx > Double(nx) ? nx : Int(fx))
        let cy = fy < -1 ? -1 : (fy > Double(ny) ? ny : Int(fy))
        return (cx, cy)
    }

    /// Calls `body(index, distance)` for every indexed point with distance(p, point) <= radius.
    @inlinable
    public func forEach(within radius: Double, of p: PlanarPoint, _ body: (Int, Double) -> Void) {
        guard count > 0, radius >= 0 else { return }
        let r2 = radius * radius * (1 + 1e-12) // slack; the exact test is on the rooted distance
        let (x0, y0) = cellCoordinates(x: p.x - radius, y: p.y - radius)
        let (x1, y1) = cellCoordinates(x: p.x + radius, y: p.y + radius)
        let cx0 = max(0, x0), cx1 = min(nx - 1, x1)
        let cy0 = max(0, y0), cy1 = min(ny - 1, y1)
        guard cx0 <= cx1, cy0 <= cy1 else { return }
        sx.withUnsafeBufferPointer { xs in
            sy.withUnsafeBufferPointer { ys in
                cellStart.withUnsafeBufferPointer { starts in
                    for cy in cy0...cy1 {
                        let lo = starts[cy * nx + cx0], hi = starts[cy * nx + cx1 + 1]
                        var k = lo
                        while k < hi {
                            let dx = xs[k] - p.x, dy = ys[k] - p.y
                            let d2 = dx * dx + dy * dy
                            if d2 <= r2 { let d = d2.squareRoot(); if d <= radius { body(order[k], d) } }
                            k += 1
                        }
                    }
                }
            }
        }
    }

    /// Indices of all points within `radius` (inclusive) of `p`, in ascending order.
    public func indices(within radius: Double, of p: PlanarPoint) -> [Int] {
        var out: [Int] = []
        forEach(within: radius, of: p) { i, _ in out.append(i) }
        return out.sorted()
    }

    /// Number of points within `radius` (inclusive) of `p`.
    public func count(within radius: Double, of p: PlanarPoint) -> Int {
        var c = 0
        forEach(within: radius, of: p) { _, _ in c += 1 }
        return c
    }

    /// Calls `body(i, j, distance)` once for every unordered pair of distinct points (i != j as
    /// indices; coincident points are pairs too) with distance <= radius. The order of i and j
    /// within a pair is unspecified. Distance is sqrt(dx^2 + dy^2).
    @inlinable
    public func forEachPair(within radius: Double, _ body: (Int, Int, Double) -> Void) {
        guard count > 1, radius >= 0 else { return }
        let reach = radius.isFinite ? Int((radius / cellSize).rounded(.up)) : max(nx, ny)
        let r2 = radius * radius * (1 + 1e-12) // slack; the exact test is on the rooted distance
        sx.withUnsafeBufferPointer { xs in
            sy.withUnsafeBufferPointer { ys in
                cellStart.withUnsafeBufferPointer { starts in
                    order.withUnsafeBufferPointer { ord in
                        for cy in 0..<ny {
                            for cx in 0..<nx {
                                let c = cy * nx + cx
                                let aLo = starts[c], aHi = starts[c + 1]
                                if aLo == aHi { continue }
                                // Ranges of "forward" cells: the rest of this row to the right, and
                                // the next `reach` rows. Each row segment is contiguous.
                                let rowEnd = starts[cy * nx + min(nx - 1, cx + reach) + 1]
                                let lastRow = min(ny - 1, cy + reach)
                                let left = max(0, cx - reach), right = min(nx - 1, cx + reach)
                                var a = aLo
                                while a < aHi {
                                    let ax = xs[a], ay = ys[a], ia = ord[a]
                                    var b = a + 1
                                    while b < rowEnd {
                                        let dx = xs[b] - ax, dy = ys[b] - ay
                                        let d2 = dx * dx + dy * dy
                                        if d2 <= r2 { let d = d2.squareRoot(); if d <= radius { body(ia, ord[b], d) } }
                                        b += 1
                                    }
                                    if cy < lastRow {
                                        for row in (cy + 1)...lastRow {
                                            let lo = starts[row * nx + left], hi = starts[row * nx + right + 1]
                                            var k = lo
                                            while k < hi {
                                                let dx = xs[k] - ax, dy = ys[k] - ay
                                                let d2 = dx * dx + dy * dy
                                                if d2 <= r2 { let d = d2.squareRoot(); if d <= radius { body(ia, ord[k], d) } }
                                                k += 1
                                            }
                                        }
                                    }
                                    a += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
