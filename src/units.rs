//! Units of length, where mixing them up would compile and be wrong: font metrics come in em
//! (a multiple of the size the text is set at), book.toml gives the page and its margins in
//! millimetres, and the layout works in PostScript points (1/72 inch). The conversions are the
//! only place the factors are written.

/// Points per millimetre (also for code that works in bare numbers, as `impose` does).
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// A length in PostScript points (1/72 inch), the layout's and the PDF's unit.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Pt(pub f32);

/// A length in millimetres, as book.toml gives the page size and the margins.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Mm(pub f32);

/// A length in em: a multiple of the size of the text it belongs to (font metrics, advances).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Em(pub f32);

impl Mm {
    pub fn to_pt(self) -> Pt {
        Pt(self.0 * PT_PER_MM)
    }
}

impl Pt {
    pub fn to_mm(self) -> Mm {
        Mm(self.0 / PT_PER_MM)
    }
}

impl Em {
    /// This length for text set at `size` points, in points.
    pub fn at(self, size: f32) -> f32 {
        self.0 * size
    }
}

impl std::ops::Add for Pt {
    type Output = Pt;
    fn add(self, o: Pt) -> Pt {
        Pt(self.0 + o.0)
    }
}

impl std::ops::Sub for Pt {
    type Output = Pt;
    fn sub(self, o: Pt) -> Pt {
        Pt(self.0 - o.0)
    }
}

impl std::ops::Add for Mm {
    type Output = Mm;
    fn add(self, o: Mm) -> Mm {
        Mm(self.0 + o.0)
    }
}

impl std::fmt::Display for Mm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} mm", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millimetres_and_points_convert_both_ways() {
        // A5 is 148 × 210 mm: 419.53 × 595.28 pt.
        assert!((Mm(148.0).to_pt().0 - 419.527_56).abs() < 1e-3);
        assert!((Mm(210.0).to_pt().0 - 595.275_6).abs() < 1e-3);
        assert!((Pt(72.0).to_mm().0 - 25.4).abs() < 1e-5);
        assert_eq!(Mm(20.0) + Mm(2.5), Mm(22.5));
        assert_eq!(Pt(10.0) - Pt(2.5), Pt(7.5));
        assert_eq!(Mm(20.0).to_string(), "20 mm");
    }

    #[test]
    fn em_scales_with_the_size_it_is_set_at() {
        assert_eq!(Em(0.88).at(10.0), 8.8);
        assert_eq!(Em(0.5).at(9.0), 4.5);
    }
}
