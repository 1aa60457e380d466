-- A WHMCS that ran the ORIGINAL HostkeyResellerMod (1.0.27): its three tables
-- as its activation created them, and the rows its last import wrote for the
-- test catalogue (tests/php/Support/Catalogue.php) at the time: vm.alpha in NL
-- and FI, bm.beta in NL. Loaded on top of whmcs-schema.sql + whmcs-seed.sql by
-- OriginalLayoutTest; the new module must adopt all of it without duplicates.
--
-- What the original did that shows here:
--   * groups `<LOC> <title>` and products recorded in mod_hostkeyresellermod;
--   * products `HKP-<preset> (<LOC>)`, configoption1..7 = hkid, location,
--     priceusd, cpu, ram, hdd, gpu;
--   * config group `<preset> (<LOC>) server options`, dropdowns `OS|Soft|Traffic
--     <preset> (<LOC>)` numbered 1..3, sub-options `<name> (#<id>)` numbered
--     from 1, a soft list starting with `Do not install` (no id; none when
--     HOSTKEY offers no soft); its re-sync re-created the soft and traffic
--     sub-options each time, so their ids are out of order;
--   * option prices with -1.00 for the two- and three-year cycles;
--   * prices for EUR and USD only (GBP was added to WHMCS after its last
--     import), computed from an older HOSTKEY price (vm.alpha NL was 4.00 EUR);
--   * the three admin-only custom fields; a live service on vm.alpha NL with
--     its custom field values and chosen options; a sub-option HOSTKEY no longer
--     offers (`1 TB (#24)`) that nobody chose.
-- The admin's own group and product (ids 5 and 7) are not the module's.
SET NAMES utf8mb4;

CREATE TABLE IF NOT EXISTS mod_hostkeyresellermod (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  type varchar(16) NOT NULL,
  relid int(10) NOT NULL DEFAULT 0,
  name varchar(255) DEFAULT NULL,
  server_type varchar(64) DEFAULT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS mod_hostkeyresellermod_log (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  date datetime DEFAULT NULL,
  module varchar(64) DEFAULT NULL,
  action varchar(64) DEFAULT NULL,
  params text DEFAULT NULL,
  response text DEFAULT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS mod_hostkeyresellermodimportsettings (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  `group` varchar(16) NOT NULL,
  name varchar(64) DEFAULT NULL,
  currency varchar(8) DEFAULT NULL,
  amount decimal(10,2) NOT NULL DEFAULT 0.00,
  active tinyint(1) NOT NULL DEFAULT 1,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The original's settings; the test points apiurl/apikey at the fake API.
INSERT INTO tbladdonmodules (module, setting, value) VALUES
  ('hostkeyresellermod', 'version', '1.0.27'),
  ('hostkeyresellermod', 'apiurl', 'https://invapi.hostkey.com/'),
  ('hostkeyresellermod', 'apikey', 'original-key'),
  ('hostkeyresellermod', 'presetnameprefix', 'HKP-'),
  ('hostkeyresellermod', 'defaultproductgroup', 'Hostkey servers'),
  ('hostkeyresellermod', 'logging', ''),
  ('hostkeyresellermod', 'importsource', 'auto');

-- VPS +10 %, bare metal +5 USD, GPU at cost, no rounding, no welcome email, API order (sort index 4).
INSERT INTO mod_hostkeyresellermodimportsettings (id, `group`, name, currency, amount, active) VALUES
  (1, 'vps', 'Import VPS products', '%', 10, 1),
  (2, 'bm', 'Import Bare metal products', 'USD', 5, 1),
  (3, 'gpu', 'Import GPU products', '%', 0, 1),
  (4, 'round', 'Round price to', '', 0, 1),
  (5, 'template', 'Email template', '', 0, 1),
  (6, 'sort', 'Product sorting', '', 4, 1);

INSERT INTO tblproductgroups (id, name, slug, headline, tagline, orderfrmtpl, disabledgateways, hidden, `order`) VALUES
  (5, 'My own servers', 'my-own-servers', '', '', '', '', 0, 1),
  (11, 'NL VPS products', 'nl-vps-products', '', '', '', '', 0, 2),
  (12, 'FI VPS products', 'fi-vps-products', '', '', '', '', 0, 3),
  (13, 'NL Bare metal products', 'nl-bare-metal-products', '', '', '', '', 0, 4);

INSERT INTO tblproducts (id, type, gid, name, description, hidden, showdomainoptions, welcomeemail, paytype,
    autosetup, servertype, configoption1, configoption2, configoption3, configoption4, configoption5,
    configoption6, configoption7, `order`, retired, tagline, short_description) VALUES
  (7, 'server', 5, 'My dedicated server', 'Not a HOSTKEY product', 0, 0, 0, 'recurring', 'order', '', '', '', '',
    '', '', '', '', 0, 0, '', ''),
  (21, 'server', 11, 'HKP-vm.alpha (NL)', 'CPU: AMD EPYC 7543<br>RAM: 4 GB<br>Disk: 40 GB NVMe', 0, 0, 0, 'recurring',
    'payment', 'hostkeyresellermod', '1001', 'NL', '4.40', '2', '4', '40', '', 0, 0, '', ''),
  (22, 'server', 12, 'HKP-vm.alpha (FI)', 'CPU: AMD EPYC 7543<br>RAM: 4 GB<br>Disk: 40 GB NVMe', 0, 0, 0, 'recurring',
    'payment', 'hostkeyresellermod', '1001', 'FI', '5.48', '2', '4', '40', '', 0, 0, '', ''),
  (23, 'server', 13, 'HKP-bm.beta (NL)', 'CPU: AMD EPYC 7543<br>RAM: 64 GB<br>Disk: 2x960 GB SSD', 0, 0, 0,
    'recurring', 'payment', 'hostkeyresellermod', '2001', 'NL', '97.19', '8', '64', '2x960', '', 0, 0, '', '');

INSERT INTO tblproducts_slugs (id, product_id, group_id, group_slug, slug, active, clicks) VALUES
  (1, 7, 5, 'my-own-servers', 'my-dedicated-server', 1, 4),
  (2, 21, 11, 'nl-vps-products', 'hkp-vm-alpha-nl', 1, 17),
  (3, 22, 12, 'fi-vps-products', 'hkp-vm-alpha-fi', 1, 3),
  (4, 23, 13, 'nl-bare-metal-products', 'hkp-bm-beta-nl', 1, 0);

INSERT INTO mod_hostkeyresellermod (id, type, relid, name, server_type) VALUES
  (1, 'group', 11, 'NL VPS products', NULL),
  (2, 'group', 12, 'FI VPS products', NULL),
  (3, 'group', 13, 'NL Bare metal products', NULL),
  (4, 'product', 21, 'vm.alpha', 'vm'),
  (5, 'product', 22, 'vm.alpha', 'vm'),
  (6, 'product', 23, 'bm.beta', 'bm');

INSERT INTO tblproductconfiggroups (id, name, description) VALUES
  (31, 'vm.alpha (NL) server options', ''),
  (32, 'vm.alpha (FI) server options', ''),
  (33, 'bm.beta (NL) server options', '');

INSERT INTO tblproductconfiglinks (id, gid, pid) VALUES
  (1, 31, 21),
  (2, 32, 22),
  (3, 33, 23);

INSERT INTO tblproductconfigoptions (id, gid, optionname, optiontype, qtyminimum, qtymaximum, `order`, hidden) VALUES
  (41, 31, 'OS vm.alpha (NL)', '1', 0, 0, 1, 0),
  (42, 31, 'Soft vm.alpha (NL)', '1', 0, 0, 2, 0),
  (43, 31, 'Traffic vm.alpha (NL)', '1', 0, 0, 3, 0),
  (44, 32, 'OS vm.alpha (FI)', '1', 0, 0, 1, 0),
  (45, 32, 'Soft vm.alpha (FI)', '1', 0, 0, 2, 0),
  (46, 32, 'Traffic vm.alpha (FI)', '1', 0, 0, 3, 0),
  (47, 33, 'OS bm.beta (NL)', '1', 0, 0, 1, 0),
  (48, 33, 'Soft bm.beta (NL)', '1', 0, 0, 2, 0),
  (49, 33, 'Traffic bm.beta (NL)', '1', 0, 0, 3, 0);

INSERT INTO tblproductconfigoptionssub (id, configid, optionname, sortorder, hidden) VALUES
  (51, 41, 'Ubuntu 22.04 (#187)', 1, 0),
  (52, 41, 'Windows Server 2022 (#243)', 2, 0),
  (53, 44, 'Ubuntu 22.04 (#187)', 1, 0),
  (54, 44, 'Windows Server 2022 (#243)', 2, 0),
  (55, 47, 'Ubuntu 22.04 (#187)', 1, 0),
  (90, 42, 'Do not install', 1, 0),
  (91, 42, 'Docker CE (#34)', 2, 0),
  (92, 43, '3 TB (#25)', 1, 0),
  (93, 43, '10 TB (#26)', 2, 0),
  (94, 43, '1 TB (#24)', 3, 0),
  (95, 45, 'Do not install', 1, 0),
  (96, 45, 'Docker CE (#34)', 2, 0),
  (97, 46, '3 TB (#31)', 1, 0),
  (99, 49, '1Gbps 50TB (#4)', 1, 0);

-- Products: EUR (1) and USD (2); vm.alpha NL from the old 4.00 EUR (4.40 / 4.75).
INSERT INTO tblpricing (id, type, currency, relid, msetupfee, qsetupfee, ssetupfee, asetupfee, bsetupfee, tsetupfee,
    monthly, quarterly, semiannually, annually, biennially, triennially) VALUES
  (101, 'product', 1, 21, 0, 0, 0, 0, 0, 0, 4.40, 12.80, 24.82, 46.46, -1, -1),
  (102, 'product', 2, 21, 0, 0, 0, 0, 0, 0, 4.75, 13.83, 26.81, 50.18, -1, -1),
  (103, 'product', 1, 22, 0, 0, 0, 0, 0, 0, 5.58, 16.23, 31.45, 58.89, -1, -1),
  (104, 'product', 2, 22, 0, 0, 0, 0, 0, 0, 6.02, 17.53, 33.97, 63.60, -1, -1),
  (105, 'product', 1, 23, 0, 0, 0, 0, 0, 0, 94.62, 275.34, 533.65, 999.18, -1, -1),
  (106, 'product', 2, 23, 0, 0, 0, 0, 0, 0, 102.19, 297.37, 576.35, 1079.12, -1, -1),
  (107, 'product', 1, 7, 10.00, 0, 0, 0, 0, 0, 50.00, 150.00, 300.00, 600.00, -1, -1),
  (111, 'configoptions', 1, 51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (112, 'configoptions', 2, 51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (113, 'configoptions', 1, 52, 0, 0, 0, 0, 0, 0, 15.33, 45.99, 91.98, 183.96, -1, -1),
  (114, 'configoptions', 2, 52, 0, 0, 0, 0, 0, 0, 16.56, 49.67, 99.34, 198.68, -1, -1),
  (115, 'configoptions', 1, 53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (116, 'configoptions', 2, 53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (117, 'configoptions', 1, 54, 0, 0, 0, 0, 0, 0, 15.33, 45.99, 91.98, 183.96, -1, -1),
  (118, 'configoptions', 2, 54, 0, 0, 0, 0, 0, 0, 16.56, 49.67, 99.34, 198.68, -1, -1),
  (119, 'configoptions', 1, 55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (120, 'configoptions', 2, 55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (121, 'configoptions', 1, 90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (122, 'configoptions', 2, 90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (123, 'configoptions', 1, 91, 0, 0, 0, 0, 0, 0, 1.99, 5.97, 11.94, 23.88, -1, -1),
  (124, 'configoptions', 2, 91, 0, 0, 0, 0, 0, 0, 2.15, 6.45, 12.90, 25.79, -1, -1),
  (125, 'configoptions', 1, 92, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (126, 'configoptions', 2, 92, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (127, 'configoptions', 1, 93, 0, 0, 0, 0, 0, 0, 5.55, 16.65, 33.30, 66.60, -1, -1),
  (128, 'configoptions', 2, 93, 0, 0, 0, 0, 0, 0, 5.99, 17.98, 35.96, 71.93, -1, -1),
  (129, 'configoptions', 1, 94, 0, 0, 0, 0, 0, 0, 2.00, 6.00, 12.00, 24.00, -1, -1),
  (130, 'configoptions', 2, 94, 0, 0, 0, 0, 0, 0, 2.16, 6.48, 12.96, 25.92, -1, -1),
  (131, 'configoptions', 1, 95, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (132, 'configoptions', 2, 95, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (133, 'configoptions', 1, 96, 0, 0, 0, 0, 0, 0, 1.99, 5.97, 11.94, 23.88, -1, -1),
  (134, 'configoptions', 2, 96, 0, 0, 0, 0, 0, 0, 2.15, 6.45, 12.90, 25.79, -1, -1),
  (135, 'configoptions', 1, 97, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (136, 'configoptions', 2, 97, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (139, 'configoptions', 1, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1),
  (140, 'configoptions', 2, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1);

INSERT INTO tblcustomfields (id, type, relid, fieldname, fieldtype, description, fieldoptions, regexpr, adminonly,
    required, showorder, showinvoice, sortorder) VALUES
  (201, 'product', 21, 'Api key', 'text', '', '', '', 'on', '', '', '', 0),
  (202, 'product', 21, 'Invoice ID', 'text', '', '', '', 'on', '', '', '', 0),
  (203, 'product', 21, 'Preset ID', 'text', '', '', '', 'on', '', '', '', 0),
  (204, 'product', 22, 'Api key', 'text', '', '', '', 'on', '', '', '', 0),
  (205, 'product', 22, 'Invoice ID', 'text', '', '', '', 'on', '', '', '', 0),
  (206, 'product', 22, 'Preset ID', 'text', '', '', '', 'on', '', '', '', 0),
  (207, 'product', 23, 'Api key', 'text', '', '', '', 'on', '', '', '', 0),
  (208, 'product', 23, 'Invoice ID', 'text', '', '', '', 'on', '', '', '', 0),
  (209, 'product', 23, 'Preset ID', 'text', '', '', '', 'on', '', '', '', 0);

-- A live service on vm.alpha NL: Ubuntu, no soft, 10 TB traffic.
INSERT INTO tblhosting (id, userid, orderid, packageid, regdate, domain, billingcycle, domainstatus, amount) VALUES
  (501, 3, 601, 21, '2026-05-01', 'vm1.example.test', 'Monthly', 'Active', 4.40);

INSERT INTO tblcustomfieldsvalues (id, fieldid, relid, value) VALUES
  (1, 201, 501, 'per-server-key-0001'),
  (2, 202, 501, '770123'),
  (3, 203, 501, '40017');

INSERT INTO tblhostingconfigoptions (id, relid, configid, optionid, qty) VALUES
  (1, 501, 41, 51, 0),
  (2, 501, 42, 90, 0),
  (3, 501, 43, 93, 0);
