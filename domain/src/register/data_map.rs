//! The register's data map: purposes → data categories → recipients → transfers, so an auditor
//! can follow personal data from why it is held to where it goes abroad (Art 30(1)(b) to (e)).
//!
//! Built from a [`Register`], with where the desk stores each data category from the
//! personal-data [`Catalogue`], and drawn four ways: Graphviz DOT, Mermaid, a standalone SVG
//! drawn here (no renderer to install), and JSON through serde. Every renderer escapes all text
//! the register supplies, since names are typed by users and imported from published notices.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalogue::Catalogue;
use crate::closed_set;
use crate::ids::PurposeId;

use super::recipient::CountryCode;
use super::snapshot::Register;
use super::transfer::TransferMechanism;

closed_set! {
    /// The map's columns, left to right: why, what, to whom, where abroad.
    pub enum DataMapNodeKind for "kind" {
        Purpose = "purpose",
        DataCategory = "data_category",
        Recipient = "recipient",
        Transfer = "transfer",
    }
}

impl DataMapNodeKind {
    /// The column heading.
    pub fn title(self) -> &'static str {
        match self {
            DataMapNodeKind::Purpose => "Purposes",
            DataMapNodeKind::DataCategory => "Data categories",
            DataMapNodeKind::Recipient => "Recipients",
            DataMapNodeKind::Transfer => "Transfers",
        }
    }

    /// Prefix of the short, renderer-safe ids (`p0`, `c1`, `r2`, `t0`).
    fn prefix(self) -> char {
        match self {
            DataMapNodeKind::Purpose => 'p',
            DataMapNodeKind::DataCategory => 'c',
            DataMapNodeKind::Recipient => 'r',
            DataMapNodeKind::Transfer => 't',
        }
    }

    fn cluster(self) -> &'static str {
        match self {
            DataMapNodeKind::Purpose => "purposes",
            DataMapNodeKind::DataCategory => "data_categories",
            DataMapNodeKind::Recipient => "recipients",
            DataMapNodeKind::Transfer => "transfers",
        }
    }
}

/// One register entry on the map, with the flags an auditor looks for first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct DataMapNode {
    /// The entry's id, so the map links back to the register.
    pub id: Uuid,
    pub kind: DataMapNodeKind,
    /// The entry's name; for a transfer, its destination and mechanism.
    pub label: String,
    /// A special category of personal data (Art 9(1)).
    pub special: bool,
    /// A transfer on the legacy Model Contract Clauses, no safeguard since 21 March 2024.
    pub legacy: bool,
    /// A recipient known to be outside the UK: a disclosure there is a transfer.
    pub outside_uk: bool,
    /// Where a recipient is, when the register knows.
    pub country: Option<CountryCode>,
    /// No purpose refers to the entry: kept on the map so orphans are seen, not hidden.
    pub unused: bool,
    /// For a data category: the desk's tables holding data of the kinds it covers, from the
    /// personal-data catalogue; empty when it covers no kind the desk stores.
    pub stored_in: Vec<String>,
}

/// An arrow of the map, with the purposes that give rise to it, so the derivation survives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct DataMapEdge {
    pub from: Uuid,
    pub to: Uuid,
    /// In register order, never empty.
    pub purposes: Vec<PurposeId>,
}

/// The data map of one register: nodes column by column in register order, then edges ordered
/// by their ends' positions, so the same register always gives the same map and pictures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct DataMap {
    /// The organisation's name, for the picture's title.
    pub organisation: String,
    pub nodes: Vec<DataMapNode>,
    pub edges: Vec<DataMapEdge>,
}

impl DataMap {
    /// The map of `register`. Edges:
    ///
    /// - purpose → data category: the purpose holds the category;
    /// - data category → recipient: some purpose holds the category and discloses to the
    ///   recipient;
    /// - recipient → transfer: some purpose discloses to the recipient and makes the transfer;
    /// - purpose → transfer: the purpose makes the transfer and names no recipient, so the
    ///   transfer still hangs off something.
    ///
    /// References to entries the register does not hold are skipped: [`Register::put`] refuses
    /// them, so only a hand-built register can have them.
    ///
    /// Each data category says where the desk stores it: the tables the catalogue says hold
    /// data of the kinds the category covers.
    pub fn build(register: &Register, catalogue: &Catalogue) -> DataMap {
        let mut builder = Builder::default();
        for p in &register.purposes {
            builder.node(DataMapNodeKind::Purpose, p.id.as_uuid(), p.name.clone());
        }
        for c in &register.data_categories {
            let held = register
                .purposes
                .iter()
                .any(|p| p.data_categories.contains(&c.id));
            if let Some(node) = builder.node(
                DataMapNodeKind::DataCategory,
                c.id.as_uuid(),
                c.name.clone(),
            ) {
                node.special = c.special;
                node.unused = !held;
                node.stored_in = catalogue
                    .tables_holding(&c.kinds)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
            }
        }
        for r in &register.recipients {
            let named = register
                .purposes
                .iter()
                .any(|p| p.recipients.contains(&r.id));
            if let Some(node) =
                builder.node(DataMapNodeKind::Recipient, r.id.as_uuid(), r.name.clone())
            {
                node.outside_uk = r.country.as_ref().is_some_and(|c| !c.is_uk());
                node.country = r.country.clone();
                node.unused = !named;
            }
        }
        for t in &register.transfers {
            let made = register
                .purposes
                .iter()
                .any(|p| p.transfers.contains(&t.id));
            let label = format!(
                "{} ({}, {})",
                t.destination,
                mechanism_name(t.mechanism),
                t.mechanism.article()
            );
            if let Some(node) = builder.node(DataMapNodeKind::Transfer, t.id.as_uuid(), label) {
                node.legacy = t.mechanism.is_legacy();
                node.unused = !made;
            }
        }

        let mut seen_purposes = HashSet::new();
        for p in &register.purposes {
            if !seen_purposes.insert(p.id) {
                continue;
            }
            let purpose = p.id.as_uuid();
            let categories = builder.held(
                DataMapNodeKind::DataCategory,
                p.data_categories.iter().map(|c| c.as_uuid()),
            );
            let recipients = builder.held(
                DataMapNodeKind::Recipient,
                p.recipients.iter().map(|r| r.as_uuid()),
            );
            let transfers = builder.held(
                DataMapNodeKind::Transfer,
                p.transfers.iter().map(|t| t.as_uuid()),
            );
            for &c in &categories {
                builder.edge(purpose, c, p.id);
                for &r in &recipients {
                    builder.edge(c, r, p.id);
                }
            }
            for &t in &transfers {
                if recipients.is_empty() {
                    builder.edge(purpose, t, p.id);
                }
                for &r in &recipients {
                    builder.edge(r, t, p.id);
                }
            }
        }
        builder.finish(register.organisation.name.clone())
    }

    /// The nodes of one column, in register order.
    pub fn column(&self, kind: DataMapNodeKind) -> impl Iterator<Item = &DataMapNode> {
        self.nodes.iter().filter(move |n| n.kind == kind)
    }

    pub fn node(&self, id: Uuid) -> Option<&DataMapNode> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn edge(&self, from: Uuid, to: Uuid) -> Option<&DataMapEdge> {
        self.edges.iter().find(|e| e.from == from && e.to == to)
    }

    /// Graphviz DOT: one cluster per column, special categories and legacy transfers in red.
    pub fn to_dot(&self) -> String {
        Render(self, DataMap::write_dot).to_string()
    }

    /// A Mermaid `flowchart LR`, one subgraph per column, with short ids (`p0`, `c1`) because
    /// Mermaid ids cannot carry a UUID's hyphens.
    pub fn to_mermaid(&self) -> String {
        Render(self, DataMap::write_mermaid).to_string()
    }

    /// A standalone SVG 1.1 document: four columns of boxes, curved arrows between them, flags
    /// in colour and words (so the picture still reads in greyscale), and a legend.
    pub fn to_svg(&self) -> String {
        Render(self, DataMap::write_svg).to_string()
    }

    /// Whether `edge` carries special category data or leads into or out of a legacy transfer,
    /// so the picture shows where such data goes, not only where it is held.
    fn flagged(&self, edge: &DataMapEdge) -> bool {
        [edge.from, edge.to]
            .iter()
            .any(|id| self.node(*id).is_some_and(|n| n.special || n.legacy))
    }

    /// The purpose labels behind `edge`, for tooltips.
    fn purpose_names(&self, edge: &DataMapEdge) -> String {
        let names: Vec<&str> = edge
            .purposes
            .iter()
            .filter_map(|p| self.node(p.as_uuid()).map(|n| n.label.as_str()))
            .collect();
        format!("Purposes: {}", names.join("; "))
    }

    /// Short ids by column position, shared by DOT and Mermaid.
    fn short_ids(&self) -> HashMap<Uuid, String> {
        let mut ids = HashMap::new();
        for &kind in DataMapNodeKind::ALL {
            for (i, node) in self.column(kind).enumerate() {
                ids.entry(node.id)
                    .or_insert_with(|| format!("{}{i}", kind.prefix()));
            }
        }
        ids
    }

    fn write_dot(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(out, "digraph data_map {{")?;
        writeln!(out, "  rankdir=LR;")?;
        writeln!(out, "  newrank=true;")?;
        writeln!(out, "  labelloc=t;")?;
        writeln!(
            out,
            "  label=\"{}\";",
            dot_escape(&format!("Data map: {}", self.organisation))
        )?;
        writeln!(out, "  fontname=\"Helvetica\";")?;
        writeln!(
            out,
            "  node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=10];"
        )?;
        writeln!(out, "  edge [color=\"#616161\"];")?;
        let ids = self.short_ids();
        let mut firsts = Vec::new();
        for &kind in DataMapNodeKind::ALL {
            writeln!(out, "  subgraph cluster_{} {{", kind.cluster())?;
            writeln!(out, "    label=\"{}\";", kind.title())?;
            writeln!(out, "    rank=same;")?;
            let mut column = self.column(kind).peekable();
            match column.peek() {
                Some(first) => firsts.push(format!("\"{}\"", first.id)),
                None => {
                    let placeholder = format!("none_{}", kind.cluster());
                    writeln!(
                        out,
                        "    {placeholder} [label=\"None\", shape=plaintext, fontcolor=\"#757575\"];"
                    )?;
                    firsts.push(placeholder);
                }
            }
            for node in column {
                // Graphviz does not wrap; nothing is cut, so the label stays whole.
                let mut text = wrap(&node.label, DOT_CHARS_PER_LINE, usize::MAX).join("\n");
                for marker in markers(node) {
                    text.push_str(&format!("\n[{marker}]"));
                }
                if let Some(storage) = storage(node) {
                    for line in wrap(&storage, DOT_CHARS_PER_LINE, usize::MAX) {
                        text.push_str(&format!("\n{line}"));
                    }
                }
                let short = ids.get(&node.id).map_or("", String::as_str);
                write!(
                    out,
                    "    \"{}\" [id=\"{short}\", label=\"{}\"",
                    node.id,
                    dot_escape(&text)
                )?;
                let style = Style::of(node);
                let mut styles = vec!["rounded"];
                if style.fill != WHITE {
                    styles.push("filled");
                    write!(out, ", fillcolor=\"{}\"", style.fill)?;
                }
                if style.dashed {
                    styles.push("dashed");
                }
                if style.stroke != BLACK {
                    write!(out, ", color=\"{}\"", style.stroke)?;
                }
                if style.text != BLACK {
                    write!(out, ", fontcolor=\"{}\"", style.text)?;
                }
                if style.width > 1 {
                    write!(out, ", penwidth={}", style.width)?;
                }
                writeln!(out, ", style=\"{}\"];", styles.join(","))?;
            }
            writeln!(out, "  }}")?;
        }
        // Invisible arrows between the columns' first nodes keep the columns in order even
        // when a column is empty or holds only orphans.
        for pair in firsts.windows(2) {
            writeln!(out, "  {} -> {} [style=invis];", pair[0], pair[1])?;
        }
        for edge in &self.edges {
            write!(
                out,
                "  \"{}\" -> \"{}\" [tooltip=\"{}\"",
                edge.from,
                edge.to,
                dot_escape(&self.purpose_names(edge))
            )?;
            if self.flagged(edge) {
                write!(out, ", color=\"{RED}\"")?;
            }
            writeln!(out, "];")?;
        }
        writeln!(out, "}}")
    }

    fn write_mermaid(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(out, "flowchart LR")?;
        let ids = self.short_ids();
        let short = |id: &Uuid| ids.get(id).map_or("", String::as_str);
        for &kind in DataMapNodeKind::ALL {
            writeln!(
                out,
                "  subgraph {}[\"{}\"]",
                kind.cluster(),
                mermaid_escape(kind.title())
            )?;
            writeln!(out, "    direction TB")?;
            let mut column = self.column(kind).peekable();
            if column.peek().is_none() {
                writeln!(out, "    {}_none[\"None\"]", kind.prefix())?;
            }
            for node in column {
                let mut text = mermaid_escape(&node.label);
                for marker in markers(node) {
                    text.push_str(&format!("<br/>{}", mermaid_escape(&format!("({marker})"))));
                }
                if let Some(storage) = storage(node) {
                    text.push_str(&format!("<br/>{}", mermaid_escape(&storage)));
                }
                writeln!(out, "    {}[\"{text}\"]", short(&node.id))?;
            }
            writeln!(out, "  end")?;
        }
        for edge in &self.edges {
            writeln!(out, "  {} --> {}", short(&edge.from), short(&edge.to))?;
        }
        let flagged: Vec<String> = (0..self.edges.len())
            .filter(|&i| self.flagged(&self.edges[i]))
            .map(|i| i.to_string())
            .collect();
        if !flagged.is_empty() {
            writeln!(
                out,
                "  linkStyle {} stroke:{RED},stroke-width:2px",
                flagged.join(",")
            )?;
        }
        let classes: [MermaidClass; 4] = [
            (
                "special",
                "fill:#fdecea,stroke:#c62828,stroke-width:2px,color:#c62828",
                |n| n.special,
            ),
            (
                "legacy",
                "fill:#fdecea,stroke:#c62828,stroke-width:3px,stroke-dasharray:6 3,color:#c62828",
                |n| n.legacy,
            ),
            (
                "outside_uk",
                "fill:#fff3e0,stroke:#e65100,stroke-width:2px,color:#e65100",
                |n| n.outside_uk,
            ),
            (
                "unused",
                "fill:#f5f5f5,stroke:#9e9e9e,stroke-dasharray:4 4,color:#757575",
                |n| n.unused,
            ),
        ];
        for (name, style, _) in classes {
            writeln!(out, "  classDef {name} {style}")?;
        }
        for (name, _, applies) in classes {
            let members: Vec<&str> = self
                .nodes
                .iter()
                .filter(|n| applies(n))
                .map(|n| short(&n.id))
                .collect();
            if !members.is_empty() {
                writeln!(out, "  class {} {name}", members.join(","))?;
            }
        }
        Ok(())
    }

    fn write_svg(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layout = SvgLayout::of(self);
        let (width, height) = (layout.width, layout.height);
        writeln!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"
        )?;
        writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{width}\" \
             height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, \
             Arial, sans-serif\" font-size=\"{FONT_SIZE}\">"
        )?;
        let title = xml_escape(&format!("Data map: {}", self.organisation));
        writeln!(out, "<title>{title}</title>")?;
        writeln!(out, "<defs>")?;
        for (name, colour) in [("arrow", GREY), ("arrow-red", RED)] {
            writeln!(
                out,
                "<marker id=\"{name}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
                 markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
                 <path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"{colour}\"/></marker>"
            )?;
        }
        writeln!(out, "</defs>")?;
        writeln!(
            out,
            "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"{WHITE}\"/>"
        )?;
        writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"18\" font-weight=\"bold\">{title}</text>",
            MARGIN + 18
        )?;
        for (i, &kind) in DataMapNodeKind::ALL.iter().enumerate() {
            let x = column_x(i);
            let count = self.column(kind).count();
            writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\" \
                 text-anchor=\"middle\">{} ({count})</text>",
                x + COL_W / 2,
                MARGIN + TITLE_H + 16,
                kind.title()
            )?;
            if count == 0 {
                writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-style=\"italic\" fill=\"{GREY}\" \
                     text-anchor=\"middle\">None</text>",
                    x + COL_W / 2,
                    TOP + LINE_H
                )?;
            }
        }
        // Edges first, so boxes sit on top of any arrow that crosses a column.
        writeln!(out, "<g fill=\"none\" stroke-width=\"1.2\">")?;
        for edge in &self.edges {
            let (Some(from), Some(to)) = (layout.boxes.get(&edge.from), layout.boxes.get(&edge.to))
            else {
                continue;
            };
            let (x1, y1) = (from.x + COL_W, from.y + from.height / 2);
            let (x2, y2) = (to.x, to.y + to.height / 2);
            let bend = (x2 - x1) / 2;
            let (stroke, marker) = if self.flagged(edge) {
                (RED, "arrow-red")
            } else {
                (GREY, "arrow")
            };
            writeln!(
                out,
                "<path d=\"M {x1} {y1} C {} {y1} {} {y2} {x2} {y2}\" stroke=\"{stroke}\" \
                 marker-end=\"url(#{marker})\"><title>{}</title></path>",
                x1 + bend,
                x2 - bend,
                xml_escape(&self.purpose_names(edge))
            )?;
        }
        writeln!(out, "</g>")?;
        for node in &self.nodes {
            let Some(b) = layout.boxes.get(&node.id) else {
                continue;
            };
            let style = Style::of(node);
            let mut tooltip = node.label.clone();
            for marker in markers(node) {
                tooltip.push_str(&format!(" [{marker}]"));
            }
            if let Some(storage) = storage(node) {
                tooltip.push_str(&format!(" ({storage})"));
            }
            writeln!(
                out,
                "<g id=\"n-{}\" class=\"{}\"><title>{}</title>",
                node.id,
                node.kind,
                xml_escape(&tooltip)
            )?;
            write_svg_box(out, b.x, b.y, COL_W, b.height, &style)?;
            let mut y = b.y + BOX_PAD + LINE_H - 4;
            for line in &b.lines {
                writeln!(
                    out,
                    "<text x=\"{}\" y=\"{y}\" fill=\"{}\">{}</text>",
                    b.x + BOX_PAD,
                    style.text,
                    xml_escape(line)
                )?;
                y += LINE_H;
            }
            for line in &b.markers {
                writeln!(
                    out,
                    "<text x=\"{}\" y=\"{y}\" fill=\"{}\" font-size=\"10\" \
                     font-weight=\"bold\">{}</text>",
                    b.x + BOX_PAD,
                    style.stroke,
                    xml_escape(line)
                )?;
                y += LINE_H;
            }
            for line in &b.storage {
                writeln!(
                    out,
                    "<text x=\"{}\" y=\"{y}\" fill=\"{GREY}\" font-size=\"10\">{}</text>",
                    b.x + BOX_PAD,
                    xml_escape(line)
                )?;
                y += LINE_H;
            }
            writeln!(out, "</g>")?;
        }
        self.write_svg_legend(out, layout.legend_y)?;
        writeln!(out, "</svg>")
    }

    fn write_svg_legend(&self, out: &mut fmt::Formatter<'_>, top: i64) -> fmt::Result {
        let plain = DataMapNode {
            id: Uuid::nil(),
            kind: DataMapNodeKind::Purpose,
            label: String::new(),
            special: false,
            legacy: false,
            outside_uk: false,
            country: None,
            unused: false,
            stored_in: Vec::new(),
        };
        let items = [
            ("Register entry", plain.clone()),
            (
                "Special category (Art 9)",
                DataMapNode {
                    special: true,
                    ..plain.clone()
                },
            ),
            (
                "Legacy transfer mechanism",
                DataMapNode {
                    legacy: true,
                    ..plain.clone()
                },
            ),
            (
                "Recipient outside the UK",
                DataMapNode {
                    outside_uk: true,
                    ..plain.clone()
                },
            ),
            (
                "Not used by any purpose",
                DataMapNode {
                    unused: true,
                    ..plain
                },
            ),
        ];
        writeln!(out, "<g id=\"legend\">")?;
        writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{}\" font-weight=\"bold\">Legend</text>",
            top + 12
        )?;
        for (i, (text, node)) in items.iter().enumerate() {
            let x = MARGIN + LEGEND_ITEM_W * i64::try_from(i).unwrap_or(0);
            let y = top + 22;
            write_svg_box(out, x, y, 22, 14, &Style::of(node))?;
            writeln!(out, "<text x=\"{}\" y=\"{}\">{text}</text>", x + 30, y + 11)?;
        }
        writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{}\" fill=\"{GREY}\">Arrows: a purpose holds a data \
             category; a category is disclosed to a recipient by a purpose; a recipient \
             receives a transfer (or, with no recipient, the purpose makes it). A category \
             lists the desk's tables that store it. Hover an arrow for the purposes behind \
             it.</text>",
            top + 56
        )?;
        writeln!(out, "</g>")
    }
}

/// A Mermaid class: its name, its style, and which nodes it applies to.
type MermaidClass = (&'static str, &'static str, fn(&DataMapNode) -> bool);

/// Formats a map with one of its writers, so the writers can use `?` and the `String` they
/// fill needs no `unwrap`.
struct Render<'a>(
    &'a DataMap,
    fn(&DataMap, &mut fmt::Formatter<'_>) -> fmt::Result,
);

impl fmt::Display for Render<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.1)(self.0, f)
    }
}

/// Collects nodes once per (kind, id) and edges once per (from, to).
#[derive(Default)]
struct Builder {
    nodes: Vec<DataMapNode>,
    keys: HashSet<(DataMapNodeKind, Uuid)>,
    edges: Vec<DataMapEdge>,
    edge_index: HashMap<(Uuid, Uuid), usize>,
}

impl Builder {
    /// Adds a node, or `None` if one of that kind and id is already there.
    fn node(&mut self, kind: DataMapNodeKind, id: Uuid, label: String) -> Option<&mut DataMapNode> {
        if !self.keys.insert((kind, id)) {
            return None;
        }
        self.nodes.push(DataMapNode {
            id,
            kind,
            label,
            special: false,
            legacy: false,
            outside_uk: false,
            country: None,
            unused: false,
            stored_in: Vec::new(),
        });
        self.nodes.last_mut()
    }

    /// The ids among `ids` the map holds as `kind`, each once, in the order given.
    fn held(&self, kind: DataMapNodeKind, ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
        let mut held = Vec::new();
        for id in ids {
            if self.keys.contains(&(kind, id)) && !held.contains(&id) {
                held.push(id);
            }
        }
        held
    }

    fn edge(&mut self, from: Uuid, to: Uuid, purpose: PurposeId) {
        match self.edge_index.get(&(from, to)) {
            Some(&i) => {
                let purposes = &mut self.edges[i].purposes;
                if !purposes.contains(&purpose) {
                    purposes.push(purpose);
                }
            }
            None => {
                self.edge_index.insert((from, to), self.edges.len());
                self.edges.push(DataMapEdge {
                    from,
                    to,
                    purposes: vec![purpose],
                });
            }
        }
    }

    fn finish(mut self, organisation: String) -> DataMap {
        let mut position = HashMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            position.entry(node.id).or_insert(i);
        }
        let at = |id: &Uuid| position.get(id).copied().unwrap_or(usize::MAX);
        self.edges.sort_by_key(|e| (at(&e.from), at(&e.to)));
        DataMap {
            organisation,
            nodes: self.nodes,
            edges: self.edges,
        }
    }
}

/// The mechanism as a reader knows it, not its wire name.
fn mechanism_name(mechanism: TransferMechanism) -> &'static str {
    match mechanism {
        TransferMechanism::ApprovedByRegulations => "approved by regulations",
        TransferMechanism::Idta => "International Data Transfer Agreement",
        TransferMechanism::UkAddendum => "UK Addendum",
        TransferMechanism::BindingCorporateRules => "binding corporate rules",
        TransferMechanism::Derogation => "derogation",
        TransferMechanism::LegacyModelClauses => "legacy Model Contract Clauses",
    }
}

/// Where the desk stores a data category, in words: its tables.
fn storage(node: &DataMapNode) -> Option<String> {
    (!node.stored_in.is_empty()).then(|| format!("stored in: {}", node.stored_in.join(", ")))
}

/// The flags of `node` in words, so every picture says them without relying on colour.
fn markers(node: &DataMapNode) -> Vec<String> {
    let mut markers = Vec::new();
    if node.special {
        markers.push("special category".to_owned());
    }
    if node.legacy {
        markers.push("legacy: no UK safeguard".to_owned());
    }
    if node.outside_uk {
        markers.push(match &node.country {
            Some(country) => format!("outside the UK: {country}"),
            None => "outside the UK".to_owned(),
        });
    }
    if node.unused {
        markers.push("unused".to_owned());
    }
    markers
}

const WHITE: &str = "#ffffff";
const BLACK: &str = "#212121";
const GREY: &str = "#757575";
const RED: &str = "#c62828";

/// How a node is drawn; shared by DOT and SVG so the two pictures agree.
struct Style {
    fill: &'static str,
    stroke: &'static str,
    text: &'static str,
    width: u8,
    dashed: bool,
}

impl Style {
    fn of(node: &DataMapNode) -> Style {
        let mut style = if node.legacy {
            Style {
                fill: "#fdecea",
                stroke: RED,
                text: RED,
                width: 3,
                dashed: true,
            }
        } else if node.special {
            Style {
                fill: "#fdecea",
                stroke: RED,
                text: RED,
                width: 2,
                dashed: false,
            }
        } else if node.outside_uk {
            Style {
                fill: "#fff3e0",
                stroke: "#e65100",
                text: "#e65100",
                width: 2,
                dashed: false,
            }
        } else {
            Style {
                fill: WHITE,
                stroke: BLACK,
                text: BLACK,
                width: 1,
                dashed: false,
            }
        };
        if node.unused {
            style.dashed = true;
            if style.stroke == BLACK {
                style = Style {
                    fill: "#f5f5f5",
                    stroke: GREY,
                    text: GREY,
                    width: 1,
                    dashed: true,
                };
            }
        }
        style
    }
}

// SVG geometry, in user units (pixels at 100%).
const MARGIN: i64 = 24;
const TITLE_H: i64 = 28;
const HEADER_H: i64 = 28;
const TOP: i64 = MARGIN + TITLE_H + HEADER_H;
const COL_W: i64 = 240;
const COL_GAP: i64 = 120;
const BOX_PAD: i64 = 8;
const BOX_GAP: i64 = 14;
const LINE_H: i64 = 15;
const FONT_SIZE: i64 = 12;
/// About 6.5 units a character at 12 units: what fits in a box less its padding.
const CHARS_PER_LINE: usize = 34;
const MAX_LABEL_LINES: usize = 4;
/// A category of activity is stored in most tables: room for them all at this width.
const MAX_STORAGE_LINES: usize = 8;
/// DOT labels are wrapped a little wider, as Graphviz sizes boxes to fit.
const DOT_CHARS_PER_LINE: usize = 40;
const LEGEND_ITEM_W: i64 = 220;
const LEGEND_H: i64 = 70;

fn column_x(column: usize) -> i64 {
    MARGIN + i64::try_from(column).unwrap_or(0) * (COL_W + COL_GAP)
}

struct SvgBox {
    x: i64,
    y: i64,
    height: i64,
    lines: Vec<String>,
    markers: Vec<String>,
    storage: Vec<String>,
}

struct SvgLayout {
    boxes: HashMap<Uuid, SvgBox>,
    width: i64,
    height: i64,
    legend_y: i64,
}

impl SvgLayout {
    /// Boxes stacked top-down in each column, sized by their wrapped text.
    fn of(map: &DataMap) -> SvgLayout {
        let mut boxes = HashMap::new();
        let mut bottom = TOP + LINE_H * 2;
        for (i, &kind) in DataMapNodeKind::ALL.iter().enumerate() {
            let x = column_x(i);
            let mut y = TOP;
            for node in map.column(kind) {
                let lines = wrap(&node.label, CHARS_PER_LINE, MAX_LABEL_LINES);
                let markers: Vec<String> = markers(node)
                    .iter()
                    .flat_map(|m| wrap(m, CHARS_PER_LINE + 4, 2))
                    .collect();
                let storage = storage(node)
                    .map(|s| wrap(&s, CHARS_PER_LINE + 4, MAX_STORAGE_LINES))
                    .unwrap_or_default();
                let count = i64::try_from(lines.len() + markers.len() + storage.len()).unwrap_or(1);
                let height = BOX_PAD * 2 + LINE_H * count;
                boxes.entry(node.id).or_insert(SvgBox {
                    x,
                    y,
                    height,
                    lines,
                    markers,
                    storage,
                });
                y += height + BOX_GAP;
            }
            bottom = bottom.max(y);
        }
        let legend_y = bottom + BOX_GAP;
        SvgLayout {
            boxes,
            width: column_x(DataMapNodeKind::ALL.len()) - COL_GAP + MARGIN,
            height: legend_y + LEGEND_H + MARGIN,
            legend_y,
        }
    }
}

fn write_svg_box(
    out: &mut fmt::Formatter<'_>,
    x: i64,
    y: i64,
    width: i64,
    height: i64,
    style: &Style,
) -> fmt::Result {
    write!(
        out,
        "<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" rx=\"6\" ry=\"6\" \
         fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"",
        style.fill, style.stroke, style.width
    )?;
    if style.dashed {
        write!(out, " stroke-dasharray=\"6 3\"")?;
    }
    writeln!(out, "/>")
}

/// `text` in lines of at most `width` characters, breaking at spaces (and inside words longer
/// than a line), keeping the text's own line breaks; past `max_lines` the last line ends in `…`.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split(['\n', '\r']) {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let mut word = word;
            while !word.is_empty() {
                let (line_len, word_len) = (line.chars().count(), word.chars().count());
                if line.is_empty() && word_len <= width {
                    line.push_str(word);
                    break;
                }
                if !line.is_empty() && line_len + 1 + word_len <= width {
                    line.push(' ');
                    line.push_str(word);
                    break;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    continue;
                }
                let split = word
                    .char_indices()
                    .nth(width)
                    .map_or(word.len(), |(i, _)| i);
                lines.push(word[..split].to_owned());
                word = &word[split..];
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let kept: String = last.chars().take(width - 1).collect();
            *last = format!("{}…", kept.trim_end());
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// A DOT double-quoted string's contents: `"` and `\` escaped, line breaks as `\n`, other
/// control characters as spaces.
fn dot_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.replace("\r\n", "\n");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid `["..."]` label's contents: letters, digits and plain punctuation as they are,
/// line breaks as `<br/>`, everything else as a Mermaid entity code (`#quot;`, `#35;`), so no
/// label can close its quotes, start markup or an entity, or read as a style statement.
fn mermaid_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.replace("\r\n", "\n");
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' | '\r' => out.push_str("<br/>"),
            c if c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | ',' | '.' | '-' | '_' | '/' | '(' | ')' | '\'' | '?' | '!'
                ) =>
            {
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push_str(&format!("#{};", u32::from(c))),
        }
    }
    out
}

/// XML character data or attribute value: the five predefined entities, and characters XML 1.0
/// forbids (most control characters) as spaces.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DataCategoryId, RecipientId, TransferId};
    use crate::register::Register;
    use crate::register::data_category::DataCategory;
    use crate::register::demo;
    use crate::register::recipient::{Recipient, RecipientKind};
    use crate::register::transfer::Transfer;

    const NASTY: &str = "Say \"<&>'\\ ok\nnext";

    fn counts(map: &DataMap) -> Vec<usize> {
        DataMapNodeKind::ALL
            .iter()
            .map(|&kind| map.column(kind).count())
            .collect()
    }

    /// What every map must show: each entry of the register once per column.
    fn register_counts(register: &Register) -> Vec<usize> {
        vec![
            register.purposes.len(),
            register.data_categories.len(),
            register.recipients.len(),
            register.transfers.len(),
        ]
    }

    fn find(map: &DataMap, kind: DataMapNodeKind, matches: impl Fn(&str) -> bool) -> &DataMapNode {
        map.column(kind)
            .find(|n| matches(&n.label))
            .expect("the map has this node")
    }

    fn purposes_of(map: &DataMap, from: Uuid, to: Uuid) -> Option<Vec<PurposeId>> {
        map.edge(from, to).map(|e| e.purposes.clone())
    }

    /// The edges, derived the slow way straight from the brief, to hold `build` against.
    fn reference_edges(register: &Register) -> Vec<(Uuid, Uuid, Vec<PurposeId>)> {
        let mut edges: Vec<(Uuid, Uuid, Vec<PurposeId>)> = Vec::new();
        let mut add = |from: Uuid, to: Uuid, purpose: PurposeId| match edges
            .iter_mut()
            .find(|e| e.0 == from && e.1 == to)
        {
            Some(edge) if edge.2.contains(&purpose) => {}
            Some(edge) => edge.2.push(purpose),
            None => edges.push((from, to, vec![purpose])),
        };
        for p in &register.purposes {
            for c in &p.data_categories {
                add(p.id.as_uuid(), c.as_uuid(), p.id);
                for r in &p.recipients {
                    add(c.as_uuid(), r.as_uuid(), p.id);
                }
            }
            for t in &p.transfers {
                for r in &p.recipients {
                    add(r.as_uuid(), t.as_uuid(), p.id);
                }
                if p.recipients.is_empty() {
                    add(p.id.as_uuid(), t.as_uuid(), p.id);
                }
            }
        }
        edges.sort_by_key(|e| (e.0, e.1));
        edges
    }

    /// Devon with a data category, and the organisation, renamed to what every format must
    /// escape.
    fn nasty_register() -> Register {
        let mut register = demo::devon();
        register.data_categories[0].name = NASTY.into();
        register.organisation.name = "Devon <County> & \"Council\"".into();
        register
    }

    #[test]
    fn every_seed_map_shows_each_entry_once_and_the_edges_the_purposes_give() {
        for register in demo::all() {
            let map = DataMap::build(&register, &Catalogue::EMPTY);
            assert_eq!(
                counts(&map),
                register_counts(&register),
                "{}",
                register.slug
            );
            let mut edges: Vec<(Uuid, Uuid, Vec<PurposeId>)> = map
                .edges
                .iter()
                .map(|e| (e.from, e.to, e.purposes.clone()))
                .collect();
            edges.sort_by_key(|e| (e.0, e.1));
            assert_eq!(edges, reference_edges(&register), "{}", register.slug);
        }
    }

    #[test]
    fn cabinet_office_reaches_its_legacy_transfer_through_its_recipients() {
        let register = demo::cabinet_office();
        let map = DataMap::build(&register, &Catalogue::EMPTY);
        assert_eq!(counts(&map)[3], 1);
        let health = find(&map, DataMapNodeKind::DataCategory, |l| {
            l.starts_with("Health")
        });
        assert!(health.special);
        let special: Vec<&str> = map
            .nodes
            .iter()
            .filter(|n| n.special)
            .map(|n| n.label.as_str())
            .collect();
        assert_eq!(special, [health.label.as_str()]);
        let support = demo::purpose_named(&register, "IT requests and incidents").id;
        assert_eq!(
            purposes_of(&map, support.as_uuid(), health.id),
            Some(vec![support])
        );

        let transfer = map
            .column(DataMapNodeKind::Transfer)
            .next()
            .expect("one transfer");
        assert!(transfer.legacy && !transfer.unused);
        assert!(transfer.label.contains("legacy Model Contract Clauses"));
        let all: Vec<PurposeId> = register.purposes.iter().map(|p| p.id).collect();
        assert_eq!(map.column(DataMapNodeKind::Recipient).count(), 2);
        for recipient in map.column(DataMapNodeKind::Recipient) {
            assert_eq!(
                purposes_of(&map, recipient.id, transfer.id),
                Some(all.clone()),
                "every purpose discloses to {} and transfers",
                recipient.label
            );
            // Health reaches both processors, and from them the legacy transfer.
            assert_eq!(
                purposes_of(&map, health.id, recipient.id),
                Some(vec![support])
            );
        }
        // Every purpose names recipients, so none reaches the transfer directly.
        assert!(
            map.column(DataMapNodeKind::Purpose)
                .all(|p| map.edge(p.id, transfer.id).is_none())
        );
        assert!(map.nodes.iter().all(|n| !n.unused && !n.outside_uk));
    }

    #[test]
    fn devon_safeguarding_discloses_special_care_information_and_transfers_nothing() {
        let register = demo::devon();
        let map = DataMap::build(&register, &Catalogue::EMPTY);
        assert_eq!(counts(&map)[3], 0);
        let safeguarding = demo::purpose_named(&register, "Safeguarding disclosures").id;
        let care = find(&map, DataMapNodeKind::DataCategory, |l| {
            l == "Medical or social care information"
        });
        let professionals = find(&map, DataMapNodeKind::Recipient, |l| {
            l.to_lowercase().contains("safeguard")
        });
        assert!(care.special);
        assert!(!professionals.outside_uk);
        assert_eq!(
            professionals.country.as_ref().map(CountryCode::as_str),
            Some("GB")
        );
        assert_eq!(
            purposes_of(&map, safeguarding.as_uuid(), care.id),
            Some(vec![safeguarding])
        );
        assert_eq!(
            purposes_of(&map, care.id, professionals.id),
            Some(vec![safeguarding])
        );
        // Care information goes to the safeguarding professionals and no one else.
        let from_care: Vec<Uuid> = map
            .edges
            .iter()
            .filter(|e| e.from == care.id)
            .map(|e| e.to)
            .collect();
        assert_eq!(from_care, [professionals.id]);
        assert!(map.nodes.iter().all(|n| !n.legacy));
    }

    #[test]
    fn orphans_stay_on_the_map_flagged_unused() {
        let mut register = demo::derby();
        let map = DataMap::build(&register, &Catalogue::EMPTY);
        for node in &map.nodes {
            let id = node.id;
            let used = register.purposes.iter().any(|p| {
                p.data_categories.iter().any(|c| c.as_uuid() == id)
                    || p.recipients.iter().any(|r| r.as_uuid() == id)
                    || p.transfers.iter().any(|t| t.as_uuid() == id)
            });
            let purpose = node.kind == DataMapNodeKind::Purpose;
            assert_eq!(node.unused, !purpose && !used, "{}", node.label);
        }

        // Orphans of every kind stay on the map, in register order, touching no edge.
        let category = DataCategoryId::from_uuid(Uuid::from_u128(0x3_9001));
        let abroad = RecipientId::from_uuid(Uuid::from_u128(0x3_9101));
        let transfer = TransferId::from_uuid(Uuid::from_u128(0x3_9201));
        register.data_categories.push(DataCategory {
            id: category,
            name: "Old badge photographs".into(),
            special: true,
            description: "Kept from a retired system".into(),
            kinds: Vec::new(),
        });
        register.recipients.push(Recipient {
            id: abroad,
            name: "Hosting provider".into(),
            kind: RecipientKind::Processor,
            country: CountryCode::parse("US").ok(),
        });
        register.transfers.push(Transfer {
            id: transfer,
            destination: "United States".into(),
            mechanism: TransferMechanism::Idta,
            risk_assessment_reference: Some("TRA-1".into()),
        });
        let map = DataMap::build(&register, &Catalogue::EMPTY);
        assert_eq!(counts(&map), register_counts(&register));
        for id in [category.as_uuid(), abroad.as_uuid(), transfer.as_uuid()] {
            let node = map.node(id).expect("orphan on the map");
            assert!(node.unused, "{}", node.label);
            assert!(map.edges.iter().all(|e| e.from != id && e.to != id));
        }
        assert!(map.node(category.as_uuid()).is_some_and(|n| n.special));
        let hosting = map.node(abroad.as_uuid()).expect("hosting");
        assert!(hosting.outside_uk);
        assert!(markers(hosting).contains(&"outside the UK: US".to_owned()));
        assert_eq!(map.nodes.last().map(|n| n.id), Some(transfer.as_uuid()));
        assert_eq!(
            map.column(DataMapNodeKind::Recipient).last().map(|n| n.id),
            Some(abroad.as_uuid())
        );

        // Used, the transfer is no orphan: IT surveys name no recipient, so it hangs off the
        // purpose; a purpose with recipients reaches it through them.
        let surveys = demo::purpose_named(&register, "IT surveys");
        assert!(surveys.recipients.is_empty());
        let disclosing = register
            .purposes
            .iter()
            .find(|p| !p.recipients.is_empty())
            .cloned()
            .expect("a purpose with recipients");
        for purpose in &mut register.purposes {
            if purpose.id == surveys.id || purpose.id == disclosing.id {
                purpose.transfers.push(transfer);
            }
        }
        let map = DataMap::build(&register, &Catalogue::EMPTY);
        assert!(map.node(transfer.as_uuid()).is_some_and(|n| !n.unused));
        assert_eq!(
            purposes_of(&map, surveys.id.as_uuid(), transfer.as_uuid()),
            Some(vec![surveys.id])
        );
        assert!(
            map.edge(disclosing.id.as_uuid(), transfer.as_uuid())
                .is_none()
        );
        for recipient in &disclosing.recipients {
            let edge = map
                .edge(recipient.as_uuid(), transfer.as_uuid())
                .expect("recipient → transfer");
            assert!(edge.purposes.contains(&disclosing.id));
            assert!(!edge.purposes.contains(&surveys.id));
        }
    }

    #[test]
    fn duplicates_and_dangling_references_leave_no_trace() {
        let pristine = demo::devon();
        let mut register = pristine.clone();
        let first = register.data_categories[0].clone();
        register.data_categories.push(first.clone());
        register.purposes[0].data_categories.push(first.id);
        register.purposes[0]
            .recipients
            .push(RecipientId::from_uuid(Uuid::from_u128(0xdead)));
        register.purposes.push(register.purposes[0].clone());
        let map = DataMap::build(&register, &Catalogue::EMPTY);
        assert_eq!(map, DataMap::build(&pristine, &Catalogue::EMPTY));
    }

    #[test]
    fn every_output_is_deterministic() {
        for register in demo::all() {
            let (a, b) = (
                DataMap::build(&register, &Catalogue::EMPTY),
                DataMap::build(&register, &Catalogue::EMPTY),
            );
            assert_eq!(a, b);
            assert_eq!(a.to_dot(), b.to_dot());
            assert_eq!(a.to_mermaid(), b.to_mermaid());
            assert_eq!(a.to_svg(), b.to_svg());
            assert_eq!(
                serde_json::to_string(&a).expect("json"),
                serde_json::to_string(&b).expect("json")
            );
        }
    }

    #[test]
    fn nodes_keep_register_order_and_edges_follow_them() {
        let register = demo::cabinet_office();
        let map = DataMap::build(&register, &Catalogue::EMPTY);
        let mut expected: Vec<Uuid> = register.purposes.iter().map(|p| p.id.as_uuid()).collect();
        expected.extend(register.data_categories.iter().map(|c| c.id.as_uuid()));
        expected.extend(register.recipients.iter().map(|r| r.id.as_uuid()));
        expected.extend(register.transfers.iter().map(|t| t.id.as_uuid()));
        let ids: Vec<Uuid> = map.nodes.iter().map(|n| n.id).collect();
        assert_eq!(ids, expected);
        let position = |id: Uuid| map.nodes.iter().position(|n| n.id == id);
        let keys: Vec<_> = map
            .edges
            .iter()
            .map(|e| (position(e.from), position(e.to)))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn dot_escapes_labels_and_marks_flags() {
        let dot = DataMap::build(&nasty_register(), &Catalogue::EMPTY).to_dot();
        assert!(dot.starts_with("digraph data_map {\n  rankdir=LR;\n"));
        for cluster in ["purposes", "data_categories", "recipients", "transfers"] {
            assert!(dot.contains(&format!("  subgraph cluster_{cluster} {{\n")));
        }
        assert!(dot.contains("label=\"Say \\\"<&>'\\\\ ok\\nnext\""));
        assert!(dot.contains("label=\"Data map: Devon <County> & \\\"Council\\\"\";"));
        assert!(!dot.contains(NASTY));
        // No raw newline escapes a string: every line's quotes pair up.
        for line in dot.lines() {
            let bare = line.replace("\\\\", "").replace("\\\"", "");
            assert_eq!(bare.matches('"').count() % 2, 0, "{line}");
        }
        assert!(dot.contains("Medical or social care information\\n[special category]\""));
        assert!(dot.contains("none_transfers [label=\"None\""));
        let cabinet = DataMap::build(&demo::cabinet_office(), &Catalogue::EMPTY).to_dot();
        assert!(
            cabinet
                .contains("[legacy: no UK safeguard]\", fillcolor=\"#fdecea\", color=\"#c62828\"")
        );
        assert!(cabinet.ends_with("}\n"));
    }

    #[test]
    fn mermaid_uses_safe_ids_and_entity_codes() {
        let register = nasty_register();
        let map = DataMap::build(&register, &Catalogue::EMPTY);
        let mermaid = map.to_mermaid();
        assert!(mermaid.starts_with("flowchart LR\n"));
        assert_eq!(mermaid.matches("\n  subgraph ").count(), 4);
        assert!(mermaid.contains("    c0[\"Say #quot;#lt;#amp;#gt;'#92; ok<br/>next\"]"));
        assert!(mermaid.contains("    t_none[\"None\"]"));
        let care = map
            .column(DataMapNodeKind::DataCategory)
            .position(|n| n.label == "Medical or social care information")
            .expect("care");
        assert!(mermaid.contains(&format!(
            "    c{care}[\"Medical or social care information<br/>(special category)\"]"
        )));
        assert!(mermaid.contains(&format!("  class c{care} special\n")));
        assert!(mermaid.contains(&format!("  p1 --> c{care}\n")));
        for line in mermaid.lines() {
            // Quotes only open and close labels, and ids carry no hyphen.
            assert_eq!(line.matches('"').count() % 2, 0, "{line}");
            let words: Vec<&str> = line.split_whitespace().collect();
            let ids: Vec<&str> = match words.as_slice() {
                [from, "-->", to] => vec![from, to],
                ["class", members, _] => members.split(',').collect(),
                ["subgraph", id, ..] => vec![id.split('[').next().unwrap_or("")],
                [node, ..] if node.contains("[\"") => vec![node.split('[').next().unwrap_or("")],
                _ => Vec::new(),
            };
            for id in ids {
                assert!(
                    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{line}"
                );
            }
        }
        for node in &map.nodes {
            assert!(!mermaid.contains(&node.id.to_string()));
        }
        let cabinet = DataMap::build(&demo::cabinet_office(), &Catalogue::EMPTY).to_mermaid();
        assert!(cabinet.contains("  r0 --> t0\n  r1 --> t0\n"));
        assert!(cabinet.contains("  class t0 legacy\n"));
        // A `#` cannot start an entity, nor a `:` a style, nor `;` end one.
        let mut odd = demo::devon();
        odd.recipients[0].name = "#quot; lifestyle: #fff;".into();
        let odd = DataMap::build(&odd, &Catalogue::EMPTY).to_mermaid();
        assert!(odd.contains("    r0[\"#35;quot#59; lifestyle#58; #35;fff#59;\"]"));
    }

    /// Checks what an XML parser would: one root, tags balanced, attribute values quoted, and
    /// no raw `<` or stray `&` in text or attributes.
    fn assert_well_formed(xml: &str) {
        fn entities_ok(text: &str) -> bool {
            let mut rest = text;
            while let Some(i) = rest.find('&') {
                let after = &rest[i + 1..];
                let Some(end) = after.find(';') else {
                    return false;
                };
                let name = &after[..end];
                let known = ["amp", "lt", "gt", "quot", "apos"].contains(&name)
                    || name
                        .strip_prefix('#')
                        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
                if !known {
                    return false;
                }
                rest = &after[end + 1..];
            }
            true
        }
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>")
            .expect("XML declaration");
        let mut stack: Vec<String> = Vec::new();
        let mut roots = 0;
        let mut rest = body;
        while !rest.is_empty() {
            let next = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..next];
            assert!(entities_ok(text), "bad text {text:?}");
            assert!(!text.contains('>'), "raw > in text {text:?}");
            if stack.is_empty() {
                assert!(text.trim().is_empty(), "text outside the root {text:?}");
            }
            rest = &rest[next..];
            if rest.is_empty() {
                break;
            }
            // A tag runs to the first `>` outside quotes.
            let mut end = None;
            let mut quoted = false;
            for (i, c) in rest.char_indices().skip(1) {
                match c {
                    '"' => quoted = !quoted,
                    '<' => panic!("raw < inside a tag: {}", &rest[..i]),
                    '>' if !quoted => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let end = end.expect("tag closes");
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name.trim()), "end tag");
                continue;
            }
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag.split_whitespace().next().expect("tag name");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'),
                "tag name {name:?}"
            );
            // Attributes: name="value" pairs, values with valid entities only.
            let mut attrs = tag[name.len()..].trim();
            while !attrs.is_empty() {
                let (attr, after) = attrs.split_once("=\"").expect("attribute value quoted");
                assert!(
                    !attr.trim().is_empty() && !attr.contains(' '),
                    "attribute {attr:?}"
                );
                let (value, after) = after.split_once('"').expect("attribute value closes");
                assert!(entities_ok(value), "bad attribute value {value:?}");
                attrs = after.trim_start();
            }
            if stack.is_empty() {
                roots += 1;
            }
            if !self_closing {
                stack.push(name.to_owned());
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        assert_eq!(roots, 1);
    }

    #[test]
    fn svg_is_well_formed_and_escapes_labels() {
        for register in demo::all().into_iter().chain([nasty_register()]) {
            let svg = DataMap::build(&register, &Catalogue::EMPTY).to_svg();
            assert_well_formed(&svg);
            assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""));
        }
        let svg = DataMap::build(&nasty_register(), &Catalogue::EMPTY).to_svg();
        assert!(svg.contains(">Say &quot;&lt;&amp;&gt;&apos;\\ ok</text>"));
        assert!(svg.contains(">next</text>"));
        assert!(
            svg.contains("<title>Data map: Devon &lt;County&gt; &amp; &quot;Council&quot;</title>")
        );
        assert!(!svg.contains(NASTY));
        assert!(
            svg.contains(">None</text>"),
            "Devon's empty transfer column says so"
        );
    }

    #[test]
    fn svg_highlights_flags_and_sizes_to_its_content() {
        let map = DataMap::build(&demo::cabinet_office(), &Catalogue::EMPTY);
        let svg = map.to_svg();
        assert!(svg.contains(">special category<"));
        assert!(svg.contains(">legacy: no UK safeguard<"));
        assert!(svg.contains("marker-end=\"url(#arrow-red)\""));
        assert!(svg.contains("<g id=\"legend\">"));
        assert_eq!(svg.matches(" marker-end=").count(), map.edges.len());
        assert_eq!(svg.matches("<g id=\"n-").count(), map.nodes.len());
        let height = |svg: &str| {
            svg.split("height=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|h| h.parse::<i64>().ok())
                .expect("height")
        };
        // More boxes in the tallest column make a taller picture.
        let mut register = demo::devon();
        let before = height(&DataMap::build(&register, &Catalogue::EMPTY).to_svg());
        let extra = register.recipients[0].clone();
        for n in 0..10 {
            register.recipients.push(Recipient {
                id: RecipientId::from_uuid(Uuid::from_u128(0x2_9100 + n)),
                ..extra.clone()
            });
        }
        let svg = DataMap::build(&register, &Catalogue::EMPTY).to_svg();
        assert!(height(&svg) > before);
        assert!(svg.contains(">unused<"));
    }

    #[test]
    fn long_labels_wrap_and_truncate() {
        assert_eq!(wrap("a b c", 3, 4), ["a b", "c"]);
        assert_eq!(wrap("abcdefg", 3, 4), ["abc", "def", "g"]);
        assert_eq!(wrap("one\ntwo", 10, 4), ["one", "two"]);
        assert_eq!(wrap("aa bb cc dd ee", 2, 3), ["aa", "bb", "c…"]);
        assert_eq!(wrap("", 10, 4), [""]);
        let long = "x".repeat(500);
        let lines = wrap(&long, CHARS_PER_LINE, MAX_LABEL_LINES);
        assert_eq!(lines.len(), MAX_LABEL_LINES);
        assert!(lines.iter().all(|l| l.chars().count() <= CHARS_PER_LINE));
        assert!(lines.last().is_some_and(|l| l.ends_with('…')));
    }

    #[test]
    fn the_json_speaks_snake_case_and_round_trips() {
        let map = DataMap::build(&demo::cabinet_office(), &Catalogue::EMPTY);
        let json = serde_json::to_value(&map).expect("json");
        assert_eq!(json["organisation"], "Cabinet Office");
        assert_eq!(json["nodes"][0]["kind"], "purpose");
        let nodes = json["nodes"].as_array().expect("nodes");
        let health = nodes
            .iter()
            .find(|n| n["special"] == true)
            .expect("a special category");
        assert_eq!(health["kind"], "data_category");
        assert_eq!(health["outside_uk"], false);
        let transfer = nodes
            .iter()
            .find(|n| n["kind"] == "transfer")
            .expect("a transfer");
        assert_eq!(transfer["legacy"], true);
        assert!(json["edges"][0]["purposes"].is_array());
        assert!(json["edges"][0]["from"].is_string());
        let back: DataMap = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, map);
    }

    #[test]
    fn each_category_says_which_of_the_desks_tables_store_it() {
        use crate::catalogue::{
            Column, DataKind, Erasure, PersonKey, PersonLink, RecordKind, Replacement, Table,
        };
        const BLANK: Erasure = Erasure::Anonymise(Replacement::Null);
        const STORE: Catalogue = Catalogue {
            tables: &[
                Table {
                    name: "people",
                    record: RecordKind::Person,
                    person: Some(PersonLink::Column {
                        column: "id",
                        key: PersonKey::PersonId,
                    }),
                    columns: &[
                        Column::naming("id", PersonKey::PersonId, DataKind::Identity, BLANK),
                        Column::about_row("email", DataKind::ContactDetails, BLANK),
                    ],
                },
                Table {
                    name: "person_adjustments",
                    record: RecordKind::Adjustment,
                    person: Some(PersonLink::Column {
                        column: "person_id",
                        key: PersonKey::PersonId,
                    }),
                    columns: &[Column::naming(
                        "person_id",
                        PersonKey::PersonId,
                        DataKind::Health,
                        Erasure::DeleteRow,
                    )],
                },
            ],
        };
        let map = DataMap::build(&demo::cabinet_office(), &STORE);
        let stored = |label: &str| {
            map.column(DataMapNodeKind::DataCategory)
                .find(|n| n.label == label)
                .map(|n| n.stored_in.clone())
                .expect(label)
        };
        assert_eq!(stored("Name"), ["people"]);
        assert_eq!(stored("Business telephone"), ["people"]);
        assert_eq!(stored("Health details"), ["person_adjustments"]);
        assert!(stored("Survey opinions").is_empty());
        assert!(
            map.column(DataMapNodeKind::Purpose)
                .all(|n| n.stored_in.is_empty())
        );

        assert!(map.to_dot().contains("stored in: person_adjustments"));
        assert!(map.to_mermaid().contains("stored in#58; people"));
        let svg = map.to_svg();
        assert!(svg.contains(">stored in: people</text>"), "{svg}");
        let json = serde_json::to_value(&map).expect("json");
        let health = json["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|n| n["label"] == "Health details")
            .expect("health");
        assert_eq!(
            health["stored_in"],
            serde_json::json!(["person_adjustments"])
        );
    }

    #[test]
    fn a_long_list_of_tables_fits_its_box() {
        let mut node = DataMapNode {
            id: Uuid::nil(),
            kind: DataMapNodeKind::DataCategory,
            label: "Activity".into(),
            special: false,
            legacy: false,
            outside_uk: false,
            country: None,
            unused: false,
            stored_in: Vec::new(),
        };
        assert_eq!(storage(&node), None);
        node.stored_in = (0..9).map(|i| format!("table_number_{i}")).collect();
        let text = storage(&node).expect("storage");
        let lines = wrap(&text, CHARS_PER_LINE + 4, MAX_STORAGE_LINES);
        assert!(lines.len() < MAX_STORAGE_LINES, "{lines:?}");
        assert!(!lines.concat().contains('…'), "{lines:?}");
    }
}
