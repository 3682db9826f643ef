//! Analytic Hierarchy Process: indicator weights from a pairwise comparison
//! matrix (Saaty), with the consistency ratio that decides whether the
//! assessor's judgements can be used (CR < 0.1).

/// Saaty's random consistency index for n = 1..=10.
const RANDOM_INDEX: [f64; 10] = [0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49];

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ahp {
    /// Normalised principal eigenvector: the weights, summing to 1.
    pub weights: Vec<f64>,
    pub lambda_max: f64,
    /// Consistency index (λmax − n) / (n − 1).
    pub ci: f64,
    /// Consistency ratio CI / RI; 0 for n ≤ 2 (always consistent).
    pub cr: f64,
    /// The judgements the weights come from (row i against column j).
    pub matrix: Vec<Vec<f64>>,
    /// The indicator (model order) each row stands for.
    pub order: Vec<usize>,
}

/// Derive weights from a square, positive, reciprocal matrix.
pub fn derive(m: &[Vec<f64>]) -> Result<Ahp, String> {
    let n = m.len();
    if n == 0 || n > RANDOM_INDEX.len() {
        return Err(crate::msg::ModelMistake::AhpSize { max: RANDOM_INDEX.len(), rows: n }.into());
    }
    for (i, row) in m.iter().enumerate() {
        if row.len() != n {
            return Err(crate::msg::ModelMistake::AhpNotSquare { row: i + 1, entries: row.len(), n }.into());
        }
        for (j, &a) in row.iter().enumerate() {
            if !(a.is_finite() && a > 0.0) {
                return Err(crate::msg::ModelMistake::AhpEntry { row: i + 1, column: j + 1, value: a }.into());
            }
            if ((a * m[j][i]) - 1.0).abs() > 0.01 {
                return Err(crate::msg::ModelMistake::AhpNotReciprocal { row: i + 1, column: j + 1, value: a, opposite: m[j][i] }.into());
            }
        }
    }
    // Power iteration converges to the principal eigenvector of a positive matrix.
    let mut w = vec![1.0 / n as f64; n];
    for _ in 0..1000 {
        let mut next: Vec<f64> = (0..n).map(|i| (0..n).map(|j| m[i][j] * w[j]).sum()).collect();
        let s: f64 = next.iter().sum();
        next.iter_mut().for_each(|x| *x /= s);
        let delta: f64 = next.iter().zip(&w).map(|(a, b)| (a - b).abs()).sum();
        w = next;
        if delta < 1e-15 {
            break;
        }
    }
    let lambda_max = (0..n).map(|i| (0..n).map(|j| m[i][j] * w[j]).sum::<f64>() / w[i]).sum::<f64>() / n as f64;
    let ci = if n > 1 { (lambda_max - n as f64) / (n as f64 - 1.0) } else { 0.0 };
    let cr = if n > 2 { ci / RANDOM_INDEX[n - 1] } else { 0.0 };
    Ok(Ahp { weights: w, lambda_max, ci, cr, matrix: m.to_vec(), order: (0..n).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn saaty_three_by_three() {
        // The classic example (Saaty 1980): weights 0.637, 0.258, 0.105; λmax 3.039; CR 0.033.
        let m = vec![vec![1.0, 3.0, 5.0], vec![1.0 / 3.0, 1.0, 3.0], vec![0.2, 1.0 / 3.0, 1.0]];
        let a = derive(&m).unwrap();
        assert!(close(a.weights[0], 0.637, 5e-4) && close(a.weights[1], 0.258, 5e-4) && close(a.weights[2], 0.105, 5e-4), "{a:?}");
        assert!(close(a.lambda_max, 3.0385, 5e-4), "{a:?}");
        assert!(close(a.cr, 0.033, 5e-4), "{a:?}");
    }

    #[test]
    fn four_by_four() {
        // The 1-3-5-7 ladder of judgements; reference values from an independent
        // eigensolver (numpy.linalg.eig): weights 0.5650, 0.2622, 0.1175, 0.0553,
        // λmax 4.1170, CI 0.0390, CR 0.0433 (RI = 0.90).
        let m = vec![vec![1.0, 3.0, 5.0, 7.0], vec![1.0 / 3.0, 1.0, 3.0, 5.0], vec![0.2, 1.0 / 3.0, 1.0, 3.0], vec![1.0 / 7.0, 0.2, 1.0 / 3.0, 1.0]];
        let a = derive(&m).unwrap();
        let expect = [0.5650, 0.2622, 0.1175, 0.0553];
        for (w, e) in a.weights.iter().zip(expect) {
            assert!(close(*w, e, 5e-4), "{a:?}");
        }
        assert!(close(a.lambda_max, 4.1170, 5e-3), "{a:?}");
        assert!(close(a.cr, 0.0433, 2e-3), "{a:?}");
    }

    #[test]
    fn inconsistent_and_malformed_matrices() {
        // a > b, b > c, but c > a strongly: CR far above 0.1.
        let m = vec![vec![1.0, 5.0, 0.2], vec![0.2, 1.0, 5.0], vec![5.0, 0.2, 1.0]];
        assert!(derive(&m).unwrap().cr > 0.1);
        assert!(derive(&[vec![1.0, 2.0], vec![2.0, 1.0]]).unwrap_err().contains("reciprocal"));
        assert!(derive(&[vec![1.0, 2.0]]).unwrap_err().contains("square"));
    }
}
