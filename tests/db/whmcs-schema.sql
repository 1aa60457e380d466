-- The WHMCS tables the module reads and writes, written from the column lists in
-- /work/shared/reference/whmcs.md section 4 (WHMCS 8.x, MariaDB 10.11). Not WHMCS's
-- own DDL: text columns get NOT NULL with an empty default so that inserts that
-- leave a column out behave as they do on a WHMCS install (which runs without
-- STRICT_TRANS_TABLES for most columns); money is decimal(16,2).
SET NAMES utf8mb4;
SET FOREIGN_KEY_CHECKS = 0;

DROP TABLE IF EXISTS tblproducts, tblproductgroups, tblproducts_slugs, tblpricing, tblcurrencies,
    tblproductconfiggroups, tblproductconfiglinks, tblproductconfigoptions, tblproductconfigoptionssub,
    tblhostingconfigoptions, tblcustomfields, tblcustomfieldsvalues, tblhosting, tblorders, tblinvoices,
    tblinvoiceitems, tblclients, tbladdonmodules, tblemailtemplates, tblmodulelog, tblactivitylog,
    tblservers, tblconfiguration, tbladmins, tblcancelrequests,
    mod_hostkeyresellermod, mod_hostkeyresellermod_log, mod_hostkeyresellermodimportsettings;

CREATE TABLE tblproducts (
  id int(10) NOT NULL AUTO_INCREMENT,
  type text NOT NULL DEFAULT '',
  gid int(10) NOT NULL DEFAULT 0,
  name text NOT NULL DEFAULT '',
  slug varchar(128) NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  hidden tinyint(1) NOT NULL DEFAULT 0,
  showdomainoptions tinyint(1) NOT NULL DEFAULT 0,
  welcomeemail int(10) NOT NULL DEFAULT 0,
  stockcontrol tinyint(1) NOT NULL DEFAULT 0,
  qty int(10) NOT NULL DEFAULT 0,
  proratabilling tinyint(1) NOT NULL DEFAULT 0,
  proratadate int(2) NOT NULL DEFAULT 0,
  proratachargenextmonth int(2) NOT NULL DEFAULT 0,
  paytype text NOT NULL DEFAULT '',
  allowqty int(1) NOT NULL DEFAULT 0,
  subdomain text NOT NULL DEFAULT '',
  autosetup text NOT NULL DEFAULT '',
  servertype text NOT NULL DEFAULT '',
  servergroup int(10) NOT NULL DEFAULT 0,
  configoption1 text NOT NULL DEFAULT '',
  configoption2 text NOT NULL DEFAULT '',
  configoption3 text NOT NULL DEFAULT '',
  configoption4 text NOT NULL DEFAULT '',
  configoption5 text NOT NULL DEFAULT '',
  configoption6 text NOT NULL DEFAULT '',
  configoption7 text NOT NULL DEFAULT '',
  configoption8 text NOT NULL DEFAULT '',
  configoption9 text NOT NULL DEFAULT '',
  configoption10 text NOT NULL DEFAULT '',
  configoption11 text NOT NULL DEFAULT '',
  configoption12 text NOT NULL DEFAULT '',
  configoption13 text NOT NULL DEFAULT '',
  configoption14 text NOT NULL DEFAULT '',
  configoption15 text NOT NULL DEFAULT '',
  configoption16 text NOT NULL DEFAULT '',
  configoption17 text NOT NULL DEFAULT '',
  configoption18 text NOT NULL DEFAULT '',
  configoption19 text NOT NULL DEFAULT '',
  configoption20 text NOT NULL DEFAULT '',
  configoption21 text NOT NULL DEFAULT '',
  configoption22 text NOT NULL DEFAULT '',
  configoption23 text NOT NULL DEFAULT '',
  configoption24 text NOT NULL DEFAULT '',
  freedomain text NOT NULL DEFAULT '',
  freedomainpaymentterms text NOT NULL DEFAULT '',
  freedomaintlds text NOT NULL DEFAULT '',
  recurringcycles int(2) NOT NULL DEFAULT 0,
  autoterminatedays int(4) NOT NULL DEFAULT 0,
  autoterminateemail int(10) NOT NULL DEFAULT 0,
  configoptionsupgrade tinyint(1) NOT NULL DEFAULT 0,
  billingcycleupgrade text NOT NULL DEFAULT '',
  upgradeemail int(10) NOT NULL DEFAULT 0,
  overagesenabled varchar(10) NOT NULL DEFAULT '',
  overagesdisklimit int(10) NOT NULL DEFAULT 0,
  overagesbwlimit int(10) NOT NULL DEFAULT 0,
  overagesdiskprice decimal(6,4) NOT NULL DEFAULT 0.0000,
  overagesbwprice decimal(6,4) NOT NULL DEFAULT 0.0000,
  tax tinyint(1) NOT NULL DEFAULT 0,
  affiliateonetime tinyint(1) NOT NULL DEFAULT 0,
  affiliatepaytype text NOT NULL DEFAULT '',
  affiliatepayamount decimal(16,2) NOT NULL DEFAULT 0.00,
  `order` int(10) NOT NULL DEFAULT 0,
  retired tinyint(1) NOT NULL DEFAULT 0,
  is_featured tinyint(1) NOT NULL DEFAULT 0,
  color varchar(9) NOT NULL DEFAULT '',
  tagline varchar(255) NOT NULL DEFAULT '',
  short_description varchar(255) NOT NULL DEFAULT '',
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY gid (gid),
  KEY name (name(64))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblproductgroups (
  id int(10) NOT NULL AUTO_INCREMENT,
  name text NOT NULL DEFAULT '',
  slug varchar(128) NOT NULL DEFAULT '',
  headline text NOT NULL DEFAULT '',
  tagline text NOT NULL DEFAULT '',
  orderfrmtpl text NOT NULL DEFAULT '',
  disabledgateways text NOT NULL DEFAULT '',
  hidden tinyint(1) NOT NULL DEFAULT 0,
  `order` int(10) NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY `order` (`order`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblproducts_slugs (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  product_id int(10) unsigned NOT NULL DEFAULT 0,
  group_id int(10) unsigned NOT NULL DEFAULT 0,
  group_slug varchar(255) NOT NULL DEFAULT '',
  slug varchar(255) NOT NULL DEFAULT '',
  active tinyint(1) NOT NULL DEFAULT 1,
  clicks int(10) unsigned NOT NULL DEFAULT 0,
  created_at timestamp NULL DEFAULT NULL,
  updated_at timestamp NULL DEFAULT NULL,
  PRIMARY KEY (id),
  KEY tblproducts_slugs_product_id_index (product_id),
  KEY tblproducts_slugs_group_slug_slug_index (group_slug(191), slug(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblcurrencies (
  id int(10) NOT NULL AUTO_INCREMENT,
  code text NOT NULL DEFAULT '',
  prefix text NOT NULL DEFAULT '',
  suffix text NOT NULL DEFAULT '',
  format int(1) NOT NULL DEFAULT 1,
  rate decimal(10,5) NOT NULL DEFAULT 1.00000,
  `default` int(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblpricing (
  id int(10) NOT NULL AUTO_INCREMENT,
  type enum('product','addon','configoptions','domainregister','domaintransfer','domainrenew','domainaddons','usage') NOT NULL,
  currency int(10) NOT NULL DEFAULT 0,
  relid int(10) NOT NULL DEFAULT 0,
  msetupfee decimal(16,2) NOT NULL DEFAULT 0.00,
  qsetupfee decimal(16,2) NOT NULL DEFAULT 0.00,
  ssetupfee decimal(16,2) NOT NULL DEFAULT 0.00,
  asetupfee decimal(16,2) NOT NULL DEFAULT 0.00,
  bsetupfee decimal(16,2) NOT NULL DEFAULT 0.00,
  tsetupfee decimal(16,2) NOT NULL DEFAULT 0.00,
  monthly decimal(16,2) NOT NULL DEFAULT 0.00,
  quarterly decimal(16,2) NOT NULL DEFAULT 0.00,
  semiannually decimal(16,2) NOT NULL DEFAULT 0.00,
  annually decimal(16,2) NOT NULL DEFAULT 0.00,
  biennially decimal(16,2) NOT NULL DEFAULT 0.00,
  triennially decimal(16,2) NOT NULL DEFAULT 0.00,
  PRIMARY KEY (id),
  KEY relid (relid),
  KEY currency (currency),
  KEY type (type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblproductconfiggroups (
  id int(10) NOT NULL AUTO_INCREMENT,
  name text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblproductconfiglinks (
  id int(10) NOT NULL AUTO_INCREMENT,
  gid int(10) NOT NULL DEFAULT 0,
  pid int(10) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY gid (gid),
  KEY pid (pid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblproductconfigoptions (
  id int(10) NOT NULL AUTO_INCREMENT,
  gid int(10) NOT NULL DEFAULT 0,
  optionname text NOT NULL DEFAULT '',
  optiontype text NOT NULL DEFAULT '',
  qtyminimum int(10) NOT NULL DEFAULT 0,
  qtymaximum int(10) NOT NULL DEFAULT 0,
  `order` int(1) NOT NULL DEFAULT 0,
  hidden int(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY productid (gid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblproductconfigoptionssub (
  id int(10) NOT NULL AUTO_INCREMENT,
  configid int(10) NOT NULL DEFAULT 0,
  optionname text NOT NULL DEFAULT '',
  sortorder int(10) NOT NULL DEFAULT 0,
  hidden int(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY configid (configid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblhostingconfigoptions (
  id int(10) NOT NULL AUTO_INCREMENT,
  relid int(10) NOT NULL DEFAULT 0,
  configid int(10) NOT NULL DEFAULT 0,
  optionid int(10) NOT NULL DEFAULT 0,
  qty int(10) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY relid_configid (relid, configid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblcustomfields (
  id int(10) NOT NULL AUTO_INCREMENT,
  type text NOT NULL DEFAULT '',
  relid int(10) NOT NULL DEFAULT 0,
  fieldname text NOT NULL DEFAULT '',
  fieldtype text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  fieldoptions text NOT NULL DEFAULT '',
  regexpr text NOT NULL DEFAULT '',
  adminonly text NOT NULL DEFAULT '',
  required text NOT NULL DEFAULT '',
  showorder text NOT NULL DEFAULT '',
  showinvoice text NOT NULL DEFAULT '',
  sortorder int(10) NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY relid (relid),
  KEY type_relid (type(32), relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblcustomfieldsvalues (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  fieldid int(10) NOT NULL DEFAULT 0,
  relid int(10) NOT NULL DEFAULT 0,
  value text NOT NULL DEFAULT '',
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY fieldid_relid (fieldid, relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblhosting (
  id int(10) NOT NULL AUTO_INCREMENT,
  userid int(10) NOT NULL DEFAULT 0,
  orderid int(10) NOT NULL DEFAULT 0,
  packageid int(10) NOT NULL DEFAULT 0,
  server int(10) NOT NULL DEFAULT 0,
  regdate date NOT NULL DEFAULT '0000-00-00',
  domain text NOT NULL DEFAULT '',
  paymentmethod text NOT NULL DEFAULT '',
  qty int(10) unsigned NOT NULL DEFAULT 1,
  firstpaymentamount decimal(16,2) NOT NULL DEFAULT 0.00,
  amount decimal(16,2) NOT NULL DEFAULT 0.00,
  billingcycle text NOT NULL DEFAULT '',
  nextduedate date DEFAULT NULL,
  nextinvoicedate date NOT NULL DEFAULT '0000-00-00',
  termination_date date NOT NULL DEFAULT '0000-00-00',
  completed_date date NOT NULL DEFAULT '0000-00-00',
  domainstatus enum('Pending','Active','Suspended','Terminated','Cancelled','Fraud','Completed') NOT NULL DEFAULT 'Pending',
  username text NOT NULL DEFAULT '',
  password text NOT NULL DEFAULT '',
  notes text NOT NULL DEFAULT '',
  subscriptionid text NOT NULL DEFAULT '',
  promoid int(10) NOT NULL DEFAULT 0,
  promocount int(10) DEFAULT 0,
  suspendreason text NOT NULL DEFAULT '',
  overideautosuspend tinyint(1) NOT NULL DEFAULT 0,
  overidesuspenduntil date NOT NULL DEFAULT '0000-00-00',
  dedicatedip text NOT NULL DEFAULT '',
  assignedips text NOT NULL DEFAULT '',
  ns1 text NOT NULL DEFAULT '',
  ns2 text NOT NULL DEFAULT '',
  diskusage int(10) NOT NULL DEFAULT 0,
  disklimit int(10) NOT NULL DEFAULT 0,
  bwusage int(10) NOT NULL DEFAULT 0,
  bwlimit int(10) NOT NULL DEFAULT 0,
  lastupdate datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY serviceid (id),
  KEY userid (userid),
  KEY orderid (orderid),
  KEY productid (packageid),
  KEY serverid (server),
  KEY domainstatus (domainstatus)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblorders (
  id int(10) NOT NULL AUTO_INCREMENT,
  ordernum bigint(10) NOT NULL DEFAULT 0,
  userid int(10) NOT NULL DEFAULT 0,
  contactid int(10) NOT NULL DEFAULT 0,
  requestor_id int(10) unsigned NOT NULL DEFAULT 0,
  admin_requestor_id int(10) unsigned NOT NULL DEFAULT 0,
  date datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  nameservers text NOT NULL DEFAULT '',
  transfersecret text NOT NULL DEFAULT '',
  renewals text NOT NULL DEFAULT '',
  promocode text NOT NULL DEFAULT '',
  promotype text NOT NULL DEFAULT '',
  promovalue text NOT NULL DEFAULT '',
  orderdata text NOT NULL DEFAULT '',
  amount decimal(16,2) NOT NULL DEFAULT 0.00,
  paymentmethod text NOT NULL DEFAULT '',
  invoiceid int(10) NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT '',
  ipaddress text NOT NULL DEFAULT '',
  fraudmodule text NOT NULL DEFAULT '',
  fraudoutput text NOT NULL DEFAULT '',
  notes text NOT NULL DEFAULT '',
  purchase_source tinyint(4) NOT NULL DEFAULT 0,
  has_referral_products tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY ordernum (ordernum),
  KEY userid (userid),
  KEY invoiceid (invoiceid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblinvoices (
  id int(10) NOT NULL AUTO_INCREMENT,
  userid int(10) NOT NULL DEFAULT 0,
  invoicenum text NOT NULL DEFAULT '',
  date date DEFAULT NULL,
  duedate date DEFAULT NULL,
  datepaid datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  last_capture_attempt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_refunded datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_cancelled datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  subtotal decimal(16,2) NOT NULL DEFAULT 0.00,
  credit decimal(16,2) NOT NULL DEFAULT 0.00,
  tax decimal(16,2) NOT NULL DEFAULT 0.00,
  tax2 decimal(16,2) NOT NULL DEFAULT 0.00,
  total decimal(16,2) NOT NULL DEFAULT 0.00,
  taxrate decimal(10,3) NOT NULL DEFAULT 0.000,
  taxrate2 decimal(10,3) NOT NULL DEFAULT 0.000,
  status text NOT NULL DEFAULT '',
  paymentmethod text NOT NULL DEFAULT '',
  paymethodid int(10) unsigned DEFAULT NULL,
  notes text NOT NULL DEFAULT '',
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY userid (userid),
  KEY status (status(3))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblinvoiceitems (
  id int(10) NOT NULL AUTO_INCREMENT,
  invoiceid int(10) NOT NULL DEFAULT 0,
  userid int(10) NOT NULL DEFAULT 0,
  type varchar(30) NOT NULL DEFAULT '',
  relid int(10) NOT NULL DEFAULT 0,
  description text NOT NULL DEFAULT '',
  amount decimal(16,2) NOT NULL DEFAULT 0.00,
  taxed int(1) NOT NULL DEFAULT 0,
  duedate date DEFAULT NULL,
  paymentmethod text NOT NULL DEFAULT '',
  notes text NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY invoiceid (invoiceid),
  KEY userid (userid, type, relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblclients (
  id int(10) NOT NULL AUTO_INCREMENT,
  uuid varchar(255) NOT NULL DEFAULT '',
  firstname text NOT NULL DEFAULT '',
  lastname text NOT NULL DEFAULT '',
  companyname text NOT NULL DEFAULT '',
  email text NOT NULL DEFAULT '',
  address1 text NOT NULL DEFAULT '',
  address2 text NOT NULL DEFAULT '',
  city text NOT NULL DEFAULT '',
  state text NOT NULL DEFAULT '',
  postcode text NOT NULL DEFAULT '',
  country text NOT NULL DEFAULT '',
  phonenumber text NOT NULL DEFAULT '',
  tax_id varchar(128) NOT NULL DEFAULT '',
  password text NOT NULL DEFAULT '',
  authmodule text NOT NULL DEFAULT '',
  authdata text NOT NULL DEFAULT '',
  currency int(10) NOT NULL DEFAULT 0,
  defaultgateway text NOT NULL DEFAULT '',
  credit decimal(16,2) NOT NULL DEFAULT 0.00,
  taxexempt tinyint(1) NOT NULL DEFAULT 0,
  datecreated date NOT NULL DEFAULT '0000-00-00',
  groupid int(10) NOT NULL DEFAULT 0,
  status enum('Active','Inactive','Closed') NOT NULL DEFAULT 'Active',
  language text NOT NULL DEFAULT '',
  allow_sso tinyint(1) NOT NULL DEFAULT 1,
  email_verified tinyint(1) NOT NULL DEFAULT 0,
  email_preferences text DEFAULT NULL,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY firstname_lastname (firstname(32), lastname(32)),
  KEY email (email(64))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tbladdonmodules (
  id int(10) NOT NULL AUTO_INCREMENT,
  module text NOT NULL DEFAULT '',
  setting text NOT NULL DEFAULT '',
  value text NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY module (module(32))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblemailtemplates (
  id int(10) NOT NULL AUTO_INCREMENT,
  type text NOT NULL DEFAULT '',
  name text NOT NULL DEFAULT '',
  subject text NOT NULL DEFAULT '',
  message text NOT NULL DEFAULT '',
  attachments text NOT NULL DEFAULT '',
  fromname text NOT NULL DEFAULT '',
  fromemail text NOT NULL DEFAULT '',
  disabled tinyint(1) NOT NULL DEFAULT 0,
  custom tinyint(1) NOT NULL DEFAULT 0,
  language text NOT NULL DEFAULT '',
  copyto text NOT NULL DEFAULT '',
  blind_copy_to text NOT NULL DEFAULT '',
  plaintext tinyint(1) NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY type (type(32)),
  KEY name (name(64))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblmodulelog (
  id int(10) NOT NULL AUTO_INCREMENT,
  date datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  module text NOT NULL DEFAULT '',
  action text NOT NULL DEFAULT '',
  request mediumtext NOT NULL DEFAULT '',
  response mediumtext NOT NULL DEFAULT '',
  arrdata mediumtext NOT NULL DEFAULT '',
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblactivitylog (
  id int(10) NOT NULL AUTO_INCREMENT,
  date datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  description text NOT NULL DEFAULT '',
  user text NOT NULL DEFAULT '',
  userid int(10) NOT NULL DEFAULT 0,
  user_id int(10) unsigned NOT NULL DEFAULT 0,
  admin_id int(10) unsigned NOT NULL DEFAULT 0,
  ipaddr text NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY userid (userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblservers (
  id int(10) NOT NULL AUTO_INCREMENT,
  name text NOT NULL DEFAULT '',
  ipaddress text NOT NULL DEFAULT '',
  assignedips text NOT NULL DEFAULT '',
  hostname text NOT NULL DEFAULT '',
  monthlycost decimal(16,2) NOT NULL DEFAULT 0.00,
  noc text NOT NULL DEFAULT '',
  statusaddress text NOT NULL DEFAULT '',
  nameserver1 text NOT NULL DEFAULT '',
  nameserver1ip text NOT NULL DEFAULT '',
  nameserver2 text NOT NULL DEFAULT '',
  nameserver2ip text NOT NULL DEFAULT '',
  maxaccounts int(10) NOT NULL DEFAULT 0,
  type text NOT NULL DEFAULT '',
  username text NOT NULL DEFAULT '',
  password text NOT NULL DEFAULT '',
  accesshash text NOT NULL DEFAULT '',
  secure text NOT NULL DEFAULT '',
  port int(8) DEFAULT NULL,
  active int(1) NOT NULL DEFAULT 0,
  disabled int(1) NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblconfiguration (
  setting varchar(64) NOT NULL,
  value text NOT NULL DEFAULT '',
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  UNIQUE KEY setting (setting)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tbladmins (
  id int(10) NOT NULL AUTO_INCREMENT,
  uuid varchar(255) NOT NULL DEFAULT '',
  roleid int(10) NOT NULL DEFAULT 0,
  username text NOT NULL DEFAULT '',
  password varchar(255) NOT NULL DEFAULT '',
  passwordhash varchar(255) NOT NULL DEFAULT '',
  authmodule text NOT NULL DEFAULT '',
  authdata text NOT NULL DEFAULT '',
  firstname text NOT NULL DEFAULT '',
  lastname text NOT NULL DEFAULT '',
  email text NOT NULL DEFAULT '',
  signature text NOT NULL DEFAULT '',
  notes text NOT NULL DEFAULT '',
  template text NOT NULL DEFAULT '',
  language text NOT NULL DEFAULT '',
  disabled int(1) NOT NULL DEFAULT 0,
  loginattempts int(1) NOT NULL DEFAULT 0,
  supportdepts text NOT NULL DEFAULT '',
  ticketnotifications text NOT NULL DEFAULT '',
  homewidgets text NOT NULL DEFAULT '',
  password_reset_key varchar(255) NOT NULL DEFAULT '',
  password_reset_data text NOT NULL DEFAULT '',
  password_reset_expiry datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  hidden_widgets text NOT NULL DEFAULT '',
  widget_order text NOT NULL DEFAULT '',
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY username (username(32))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblcancelrequests (
  id int(10) NOT NULL AUTO_INCREMENT,
  date datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  relid int(10) NOT NULL DEFAULT 0,
  reason text NOT NULL DEFAULT '',
  type text NOT NULL DEFAULT '',
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY serviceid (relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

SET FOREIGN_KEY_CHECKS = 1;
