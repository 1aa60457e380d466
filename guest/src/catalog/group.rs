//! Which of the module's groups a preset belongs to, by its name's prefix.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServerGroup {
    Vps,
    Bm,
    Gpu,
}

impl ServerGroup {
    pub const ALL: [ServerGroup; 3] = [ServerGroup::Vps, ServerGroup::Bm, ServerGroup::Gpu];

    /// `vm.nano` -> VPS; `bm.*` -> bare metal; `gpu.*`/`vgpu.*` -> GPU; others none.
    pub fn of_preset(name: &str) -> Option<Self> {
        match name.split('.').next()?.trim().to_ascii_lowercase().as_str() {
            "vm" | "vds" => Some(ServerGroup::Vps),
            "bm" => Some(ServerGroup::Bm),
            "gpu" | "vgpu" => Some(ServerGroup::Gpu),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ServerGroup::Vps => "vps",
            ServerGroup::Bm => "bm",
            ServerGroup::Gpu => "gpu",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.key() == key)
    }

    /// The product group title after the location: "NL VPS products".
    pub fn title(self) -> &'static str {
        match self {
            ServerGroup::Vps => "VPS products",
            ServerGroup::Bm => "Bare metal products",
            ServerGroup::Gpu => "GPU products",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_prefix() {
        assert_eq!(ServerGroup::of_preset("vm.nano"), Some(ServerGroup::Vps));
        assert_eq!(ServerGroup::of_preset("vds.m2"), Some(ServerGroup::Vps));
        assert_eq!(ServerGroup::of_preset("bm.v2-promo"), Some(ServerGroup::Bm));
        assert_eq!(ServerGroup::of_preset("vgpu.a4000"), Some(ServerGroup::Gpu));
        assert_eq!(ServerGroup::of_preset("GPU.x"), Some(ServerGroup::Gpu));
        assert_eq!(ServerGroup::of_preset("stor.s1"), None);
        assert_eq!(ServerGroup::of_preset(""), None);
    }
}
