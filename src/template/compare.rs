//! Comparisons in templates compare figures as numbers.
//!
//! minijinja orders values of different kinds by kind, so a figure (an object) compared with
//! 100 was "greater" whatever its value: `{% if 服务项目数 > 100 %}` took the branch for 9.
//! minijinja has no hook for comparing an object with a number, so before a template is
//! compiled every comparison `a > b` (and `a == b`, chains `a < b < c`) is rewritten, from the
//! parsed template's spans, into a call `__比较(a, ">", b)` that compares figures exactly
//! (rust_decimal) and refuses to compare a figure with text. Only characters on the same line
//! are inserted, so every template line number stays the same.

use minijinja::machinery::ast::{self, CallArg, CompareOpKind, Expr, Stmt};
use minijinja::machinery::{self, WhitespaceConfig};

/// The name of the comparison function the rewritten template calls.
pub const FUNCTION: &str = "__比较";

/// Why a template's comparisons cannot be rewritten; said at the template, before it compiles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RewriteError {
    /// A comparison whose operator is not found between its operands in the text.
    #[error("{}", rust_i18n::t!("template.comparison_unreadable", line = .line, op = .op))]
    Unreadable {
        /// The template line.
        line: usize,
        /// The operator (`>`, `==`).
        op: &'static str,
    },
}

/// The template text with every comparison turned into a call of [`FUNCTION`]; the template's
/// own syntax error, if it has one, is left for the compiler to report.
pub fn rewrite(source: &str, name: &str) -> Result<String, RewriteError> {
    let whitespace = WhitespaceConfig { keep_trailing_newline: true, lstrip_blocks: true, trim_blocks: true };
    let Ok(tree) = machinery::parse(source, name, Default::default(), whitespace) else {
        return Ok(source.to_string());
    };
    let mut edits = Edits { source, list: Vec::new(), problem: None };
    edits.stmt(&tree);
    if let Some(problem) = edits.problem {
        return Err(problem);
    }
    // Apply from the end so earlier offsets stay valid; at one offset, closers come first.
    let mut list = edits.list;
    list.sort_by(|a, b| b.start.cmp(&a.start).then(b.order.cmp(&a.order)));
    let mut out = source.to_string();
    for edit in list {
        out.replace_range(edit.start..edit.end, &edit.text);
    }
    Ok(out)
}

struct Edit {
    start: usize,
    end: usize,
    text: String,
    /// At one offset: insertions that open (0) go after those that close (1) in the text.
    order: u8,
}

struct Edits<'s> {
    source: &'s str,
    list: Vec<Edit>,
    problem: Option<RewriteError>,
}

fn op_symbol(op: CompareOpKind) -> Option<&'static str> {
    match op {
        CompareOpKind::Eq => Some("=="),
        CompareOpKind::Ne => Some("!="),
        CompareOpKind::Lt => Some("<"),
        CompareOpKind::Lte => Some("<="),
        CompareOpKind::Gt => Some(">"),
        CompareOpKind::Gte => Some(">="),
        CompareOpKind::In | CompareOpKind::NotIn => None,
    }
}

fn binop_symbol(op: &ast::BinOpKind) -> Option<&'static str> {
    use ast::BinOpKind as B;
    match op {
        B::Eq => Some("=="),
        B::Ne => Some("!="),
        B::Lt => Some("<"),
        B::Lte => Some("<="),
        B::Gt => Some(">"),
        B::Gte => Some(">="),
        _ => None,
    }
}

impl Edits<'_> {
    /// The byte range of an operand, widened over parentheses that enclose exactly it. The
    /// start is found from the leftmost part: the parser starts a comparison's own span at the
    /// token before it.
    fn range(&self, expr: &Expr) -> (usize, usize) {
        let start = match expr {
            Expr::BinOp(b) => self.range(&b.left).0,
            Expr::Compare(c) => self.range(&c.expr).0,
            Expr::IfExpr(i) => self.range(&i.true_expr).0,
            Expr::Filter(f) => match &f.expr {
                Some(e) => self.range(e).0,
                None => expr.span().start_offset as usize,
            },
            Expr::Test(t) => self.range(&t.expr).0,
            Expr::GetAttr(g) => self.range(&g.expr).0,
            Expr::GetItem(g) => self.range(&g.expr).0,
            Expr::Call(c) => self.range(&c.expr).0,
            Expr::Slice(s) => self.range(&s.expr).0,
            _ => expr.span().start_offset as usize,
        };
        let bytes = self.source.as_bytes();
        let (mut start, mut end) = (start, expr.span().end_offset as usize);
        loop {
            let mut before = start;
            while before > 0 && bytes[before - 1].is_ascii_whitespace() {
                before -= 1;
            }
            let mut after = end;
            while after < bytes.len() && bytes[after].is_ascii_whitespace() {
                after += 1;
            }
            if before > 0 && bytes[before - 1] == b'(' && after < bytes.len() && bytes[after] == b')' {
                start = before - 1;
                end = after + 1;
            } else {
                return (start, end);
            }
        }
    }

    /// Records the rewrite of `a op b op c…` into `__比较(a, "op", b, "op", c…)`.
    fn comparison(&mut self, operands: &[&Expr], ops: &[&'static str]) {
        let ranges: Vec<(usize, usize)> = operands.iter().map(|e| self.range(e)).collect();
        for (i, op) in ops.iter().enumerate() {
            let (gap_start, gap_end) = (ranges[i].1, ranges[i + 1].0);
            let gap = self.source.get(gap_start..gap_end).unwrap_or("");
            if gap_start > gap_end || gap.trim() != *op {
                let line = operands[i].span().end_line;
                self.problem = Some(RewriteError::Unreadable { line: usize::from(line), op });
                return;
            }
            self.list.push(Edit { start: gap_start, end: gap_end, text: format!(", \"{op}\", "), order: 1 });
        }
        let (first, last) = (ranges[0].0, ranges[ranges.len() - 1].1);
        self.list.push(Edit { start: first, end: first, text: format!("{FUNCTION}("), order: 0 });
        self.list.push(Edit { start: last, end: last, text: ")".into(), order: 1 });
    }

    fn stmts(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Template(t) => self.stmts(&t.children),
            Stmt::EmitExpr(e) => self.expr(&e.expr),
            Stmt::EmitRaw(_) => {}
            Stmt::ForLoop(f) => {
                self.expr(&f.target);
                self.expr(&f.iter);
                if let Some(e) = &f.filter_expr {
                    self.expr(e);
                }
                self.stmts(&f.body);
                self.stmts(&f.else_body);
            }
            Stmt::IfCond(c) => {
                self.expr(&c.expr);
                self.stmts(&c.true_body);
                self.stmts(&c.false_body);
            }
            Stmt::WithBlock(w) => {
                for (a, b) in &w.assignments {
                    self.expr(a);
                    self.expr(b);
                }
                self.stmts(&w.body);
            }
            Stmt::Set(s) => {
                self.expr(&s.target);
                self.expr(&s.expr);
            }
            Stmt::SetBlock(s) => {
                if let Some(f) = &s.filter {
                    self.expr(f);
                }
                self.stmts(&s.body);
            }
            Stmt::AutoEscape(a) => {
                self.expr(&a.enabled);
                self.stmts(&a.body);
            }
            Stmt::FilterBlock(f) => {
                self.expr(&f.filter);
                self.stmts(&f.body);
            }
            Stmt::Block(b) => self.stmts(&b.body),
            Stmt::Import(i) => self.expr(&i.expr),
            Stmt::FromImport(i) => self.expr(&i.expr),
            Stmt::Extends(e) => self.expr(&e.name),
            Stmt::Include(i) => self.expr(&i.name),
            Stmt::Macro(m) => {
                for d in &m.defaults {
                    self.expr(d);
                }
                self.stmts(&m.body);
            }
            Stmt::CallBlock(c) => {
                self.call(&c.call);
                self.stmts(&c.macro_decl.body);
            }
            Stmt::Do(d) => self.call(&d.call),
        }
    }

    fn call(&mut self, call: &ast::Call) {
        self.expr(&call.expr);
        self.args(&call.args);
    }

    fn args(&mut self, args: &[CallArg]) {
        for arg in args {
            match arg {
                CallArg::Pos(e) | CallArg::PosSplat(e) | CallArg::KwargSplat(e) => self.expr(e),
                CallArg::Kwarg(_, e) => self.expr(e),
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Var(_) | Expr::Const(_) => {}
            Expr::Slice(s) => {
                self.expr(&s.expr);
                for e in [&s.start, &s.stop, &s.step].into_iter().flatten() {
                    self.expr(e);
                }
            }
            Expr::UnaryOp(u) => self.expr(&u.expr),
            Expr::BinOp(b) => {
                self.expr(&b.left);
                self.expr(&b.right);
                if let Some(op) = binop_symbol(&b.op) {
                    self.comparison(&[&b.left, &b.right], &[op]);
                }
            }
            Expr::Compare(c) => {
                self.expr(&c.expr);
                for op in &c.ops {
                    self.expr(&op.expr);
                }
                let symbols: Option<Vec<&'static str>> = c.ops.iter().map(|o| op_symbol(o.op)).collect();
                if let Some(symbols) = symbols {
                    let mut operands = vec![&c.expr];
                    operands.extend(c.ops.iter().map(|o| &o.expr));
                    self.comparison(&operands, &symbols);
                }
            }
            Expr::IfExpr(i) => {
                self.expr(&i.test_expr);
                self.expr(&i.true_expr);
                if let Some(e) = &i.false_expr {
                    self.expr(e);
                }
            }
            Expr::Filter(f) => {
                if let Some(e) = &f.expr {
                    self.expr(e);
                }
                self.args(&f.args);
            }
            Expr::Test(t) => {
                self.expr(&t.expr);
                self.args(&t.args);
            }
            Expr::GetAttr(g) => self.expr(&g.expr),
            Expr::GetItem(g) => {
                self.expr(&g.expr);
                self.expr(&g.subscript_expr);
            }
            Expr::Call(c) => self.call(c),
            Expr::List(l) => {
                for e in &l.items {
                    self.expr(e);
                }
            }
            Expr::Map(m) => {
                for (k, v) in m.keys.iter().zip(&m.values) {
                    self.expr(k);
                    self.expr(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_become_calls_on_the_same_lines() {
        let r = |s: &str| rewrite(s, "t").unwrap();
        assert_eq!(r("{% if a.b > 100 %}x{% endif %}"), "{% if __比较(a.b, \">\", 100) %}x{% endif %}");
        assert_eq!(r("{{ (a + 1) >= b }}"), "{{ __比较((a + 1), \">=\", b) }}");
        assert_eq!(r("{{ a < b < c }}"), "{{ __比较(a, \"<\", b, \"<\", c) }}");
        assert_eq!(r("{{ (a > b) == c }}"), "{{ __比较((__比较(a, \">\", b)), \"==\", c) }}");
        assert_eq!(r("{{ f(a > 1) }}"), "{{ f(__比较(a, \">\", 1)) }}");
        assert_eq!(r("{{ a in b }}{{ a not in b }}"), "{{ a in b }}{{ a not in b }}");
        assert_eq!(r("{{ x | f(y == 2) }}"), "{{ x | f(__比较(y, \"==\", 2)) }}");
        assert_eq!(r("{{ -a > b }}{{ not a == b }}"), "{{ __比较(-a, \">\", b) }}{{ not __比较(a, \"==\", b) }}");
        assert_eq!(r("{{ a + b > c * d }}"), "{{ __比较(a + b, \">\", c * d) }}");
        assert_eq!(r("{{ a.b(1)[2] > x | f }}"), "{{ __比较(a.b(1)[2], \">\", x | f) }}");
        assert_eq!(r("{{ 1 if a > b else 2 }}"), "{{ 1 if __比较(a, \">\", b) else 2 }}");
        assert_eq!(
            r("line\n{% if 低保.人数 != 0 and x %}\n{% endif %}"),
            "line\n{% if __比较(低保.人数, \"!=\", 0) and x %}\n{% endif %}"
        );
    }
}
