var w,ct,kn,K,Re,me,ut,he,pt,ze,Ie,xn,le=Symbol.for("pv"),ge={},ve=[],wn=/^m(i|n|o|s|text|space)$/,Fe=Array.isArray,qe=ve.slice,Z=Object.assign;function Y(e){e&&e.parentNode&&e.remove()}function P(e,t,n){var s,a,o,r={},l=arguments.length;for(o in t)o=="key"?s=t[o]:o=="ref"&&typeof e!="function"?a=t[o]:r[o]=t[o];return l>2&&(r.children=l>3?qe.call(arguments,2):n),oe(e,r,s,a,null)}function oe(e,t,n,s,a){var o={type:e,props:t,key:n,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:le,__v:a||++ct,__i:-1,__u:0};return!a&&w.vnode&&w.vnode(o),o}function ye(e){return e.children}function _e(e,t){this.props=e,this.context=t,this.__g=0}function V(e,t){if(t==null)return e.__&&V(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!="function"||e.props.__P?null:V(e)}function Sn(e){var t,n=e.__v,s=n.__e,a=[],o=[],r=e.__P;r&&((t=Z({constructor:le},n)).__v=n.__v+1,w.vnode&&w.vnode(t),Ue(r,t,n,e.__n,r.namespaceURI,32&n.__u?[s]:null,a,s||V(n),32&n.__u,o),t.__v=n.__v,t.__.__k[t.__i]=t,mt(a,t,o),n.__=n.__e=null,t.__e!=s&&ft(t))}function ft(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),ft(e)}function it(e){(8&e.__g||(e.__g|=8,K.push(e),me++))&&Re==w.debounceRendering||((Re=w.debounceRendering)||queueMicrotask)($t)}function $t(){try{for(var e,t=1;K.length;)K.length>t&&K.sort(ut),e=K.shift(),t=K.length,8&e.__g&&Sn(e)}finally{(me=K.length)&&(Re||queueMicrotask)($t)}}function ht(e,t,n,s,a,o,r,l,i,d,c){var u,f,p,g,h,b,v=s.__k||ve,$=t.length;for(i=Cn(n,t,v,i,$),u=0;u<$;u++)(p=n.__k[u])!=null&&(f=~p.__i&&v[p.__i]||ge,p.__i=u,b=Ue(e,p,f,a,o,r,l,i,d,c),g=p.__e,(f.ref!=p.ref||8&f.__u)&&(f.ref&&He(f.ref,null,p,f),p.ref&&c.push(p.ref,p.__c||g,p)),h=h||g,4&p.__u?(i=_t(p,i,e,!f.__v),f.__e&&(f.__e=null)):typeof p.type=="function"&&b!==void 0?i=b:g&&(i=g.nextSibling),p.__u&=-21);return n.__e=h,i}function Cn(e,t,n,s,a){var o,r,l,i,d,c,u,f,p,g=n.length,h=g,b=0,v=0,$=e.__k=Array(a);for(o=0;o<a;o++)(r=t[o])!=null&&typeof r!="boolean"&&typeof r!="function"?(typeof r!="object"||r.constructor===String?r=$[o]=oe(null,r):Fe(r)?r=$[o]=oe(ye,{children:r}):r.constructor===le&&r.__b?r=$[o]=oe(r.type,r.props,r.key,r.ref,r.__v):$[o]=r,i=o+b,r.__=e,r.__b=e.__b+1,l=null,~(d=r.__i=An(r,n,i,h))&&(h--,(l=n[d])&&(l.__u|=2)),l&&l.__v?(r.__u|=16,d==i-1?b--:d==i+1?b++:d!=i&&(d>i?b--:b++,v=1)):(~d||(a>g?b--:a<g&&b++),typeof r.type!="function"&&(r.__u|=4))):$[o]=null;if(v){for(c=[],u=[],o=0;o<a;o++)if((r=$[o])&&16&r.__u){for(b=0,f=c.length;b<f;)c[p=b+f>>1]<r.__i?b=p+1:f=p;c[b]=r.__i,u[o]=b+1}for(b=c.length;o--;)u[o]&&(u[o]==b?b--:$[o].__u|=4)}if(h)for(o=0;o<g;o++)!(l=n[o])||2&l.__u||(l.__e==s&&(s=V(l)),Ge(l,l));return s}function _t(e,t,n,s){var a,o,r,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(a=e.__k)for(o=0;o<a.length;o++)a[o]&&(a[o].__=e,t=_t(a[o],t,n,!1));return t}for(t&&!t.parentNode&&(t=V(e))&&!t.parentNode&&(t=null),r=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(r!=l&&(!s&&n.moveBefore&&r.parentNode?n.moveBefore(r,t):n.insertBefore(r,t||null)),t=r;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function An(e,t,n,s){var a,o=e.key,r=e.type,l=t[n],i=l&&!(2&l.__u);if(l===null&&o==null||i&&o==l.key&&r==l.type)return n;if(s>(i?1:0)){for(a=n-1;a>=0;a--)if((l=t[a])&&!(2&l.__u)&&o==l.key&&r==l.type)return a;for(a=n+1;a<t.length;a++)if((l=t[a])&&!(2&l.__u)&&o==l.key&&r==l.type)return a}return-1}function dt(e,t,n){n==null&&(n=""),t[0]=="-"?e.setProperty(t,n):e[t]=n}function $e(e,t,n,s,a){var o,r;if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof s=="string"&&(e.style.cssText=s=""),s)for(t in s)n&&t in n||dt(e.style,t);if(n)for(t in n)s&&n[t]==s[t]||dt(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")typeof n!="function"&&(n=null),typeof s!="function"&&(s=null),(e.__e||(e.__e={}))[t]=n,n&&s||(r=Ie[t]||(Ie[t]=Tn(t)),(e.__a||(e.__a={}))[t]=ze,o=t!=(t=t.replace(pt,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),n?e.addEventListener(t,r,o):e.removeEventListener(t,r,o));else{if(a=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n)}}function Tn(e){return function(t){var n=this.__e;if(n){if(n=n[e],t[he]==null)t[he]=ze++;else if(t[he]<this.__a[e])return;return n(w.event?w.event(t):t)}}}function Ue(e,t,n,s,a,o,r,l,i,d){var c,u,f,p,g,h,b,v,$,_,y,D,R,T,q,fe,J,X,W=t.type;if(t.constructor!==le)return null;128&n.__u&&(i=32&n.__u,c=n.__c.__z)&&(t.__u|=i,u=o=[],c.nodeType==8?l=be(c,o):o.push(c),l=o[0]||l),(c=w.__b)&&c(t);e:if(typeof W=="function"){f=r.length;try{if(v=t.props,$=(c=W.prototype)&&c.render,_=(c=W.contextType)&&s[c.__c],y=c?_?_.props.value:c.__:s,(p=n.__c)?(t.__c=p,2&p.__g&&(p.__g|=1)):($?t.__c=p=new W(v,y):(t.__c=p=new _e(v,y),p.constructor=W,p.render=En),_&&_.sub(p),p.state||(p.state={}),p.__n=s,p.__g|=8,p.__h=[],p.__k=[]),$&&(p.__s||(p.__s=p.state),W.getDerivedStateFromProps&&(p.__s==p.state&&(p.__s=Z({},p.__s)),Z(p.__s,W.getDerivedStateFromProps(v,p.__s)))),g=p.props,h=p.state,p.__v=t,n.__c){if(v!==g&&$&&!W.getDerivedStateFromProps&&p.componentWillReceiveProps&&p.componentWillReceiveProps(v,y),t.__v==n.__v&&!(8&p.__g)||!(4&p.__g)&&p.shouldComponentUpdate&&p.shouldComponentUpdate(v,p.__s,y)===!1){t.__v!=n.__v&&(p.props=v,p.state=p.__s,p.__g&=-9),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(U){U&&(U.__=t)}),ve.push.apply(p.__h,p.__k),p.__k=[],p.__h.length&&r.push(p),l=V(n);break e}p.componentWillUpdate&&p.componentWillUpdate(v,p.__s,y),$&&p.componentDidUpdate&&p.__h.push(function(){p.componentDidUpdate(g,h,b)})}else $&&!W.getDerivedStateFromProps&&p.componentWillMount&&p.componentWillMount(),$&&p.componentDidMount&&p.__h.push(p.componentDidMount);p.context=y,p.props=v,p.__P=e,p.__g&=-5,D=w.__r,R=$?25:0;do p.__g&=-9,D&&D(t),c=p.render(p.props,p.state=p.__s,p.context);while(8&p.__g&&++R<25);$&&(ve.push.apply(p.__h,p.__k),p.__k=[]),p.state=p.__s,p.getChildContext&&(s=Z({},s,p.getChildContext())),$&&n.__c&&p.getSnapshotBeforeUpdate&&(b=p.getSnapshotBeforeUpdate(g,h)),T=c&&c.type===ye&&c.key==null?c.props.children:c,v.__P&&(c=l,a=(e=v.__P).namespaceURI,i=o=null,n.props&&n.props.__P!=e&&(n.__k.some(function(U){U&&Ge(U,U)}),n.__k=null),l=n.__k?V(n,0):null),l=ht(e,Fe(T)?T:[T],t,n,s,a,o,r,l,i,d),v.__P&&(t.__e=null,l=c),t.__u&=-161,u&&u.some(Y),p.__h.length&&r.push(p),1&p.__g&&(p.__g&=-4)}catch(U){if(r.length=f,t.__v=null,i||o)if(U&&U.then){if(t.__u|=128|i,o){for(~(J=o.indexOf(l||void 0))||(J=o.length);(X=o[J-1])&&X.nodeType==8;)J--;for(;J<o.length;J++)if(X=o[J])if(o[J]=null,q){if(X==fe)break}else{if(X.nodeType!=8)break;X.data.startsWith("$s")&&(fe=be(q=X))}}if(!q){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;q=l}(c=be(q=t.__c.__z||(t.__c.__z=q)))?(t.__e=q,l=c):t.__e=l,l=l&&l.nextSibling}else o&&o.some(Y);else t.__e=n.__e;t.__k||(t.__k=n.__k||[]),U&&U.then||bt(t),w.__e(U,t,n)}}else l=t.__e=Mn(n.__e,t,n,s,a,o,r,i,d,e);return(c=w.diffed)&&c(t),l}function be(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))n++;else if(e.data.startsWith("/$s")&&!--n)return e}t&&t.push(e)}}function bt(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(bt))}function mt(e,t,n){for(var s=0;s<n.length;)He(n[s++],n[s++],n[s++]);w.__c&&w.__c(t,e),e.some(function(a){try{e=a.__h,a.__h=[],e.some(function(o){o.call(a)})}catch(o){w.__e(o,a.__v)}})}function Mn(e,t,n,s,a,o,r,l,i,d){var c,u,f,p,g,h,b,v,$=n.props||ge,_=t.props,y=t.type;if(y=="svg"?a="http://www.w3.org/2000/svg":y=="math"?a="http://www.w3.org/1998/Math/MathML":a||(a="http://www.w3.org/1999/xhtml"),o){for(c=0;c<o.length;c++)if((g=o[c])&&(y?g.localName==y:g.nodeType==3)){e=g,o[c]=null;break}}if(!e){if(v=d.ownerDocument||document,!y)return v.createTextNode(_);e=v.createElementNS(a,y,_.is?_:d),l&&(w.__m&&w.__m(t,o),l=!1),o=null}if(y){if(d=y=="template"&&e.content||e,o=y=="textarea"&&_.defaultValue!=null?null:o&&qe.call(d.childNodes),!l&&o)for($={},c=0;c<e.attributes.length;c++)$[(g=e.attributes[c]).name]=g.value;for(c in $)g=$[c],c=="dangerouslySetInnerHTML"?f=g:c=="children"||c in _||c=="value"&&"defaultValue"in _||c=="checked"&&"defaultChecked"in _||$e(e,c,null,g,a);for(c in _)g=_[c],c=="children"?p=g:c=="dangerouslySetInnerHTML"?u=g:c=="value"?h=g:c=="checked"?b=g:l&&typeof g!="function"||$[c]===g||$e(e,c,g,$[c],a);u?(l||f&&(u.__html==f.__html||u.__html==e.innerHTML)||(e.innerHTML=u.__html),t.__k=[]):(f&&(e.textContent=""),(y=="foreignObject"||a=="http://www.w3.org/1998/Math/MathML"&&wn.test(y))&&(a="http://www.w3.org/1999/xhtml"),ht(d,Fe(p)?p:[p],t,n,s,a,o,r,o?o[0]:n.__k&&V(n,0),l,i),o&&o.some(Y)),l&&y!="textarea"||(c="value",y=="progress"&&h==null?e.removeAttribute(c):h==null||h===e[c]&&(y!="progress"||h)||$e(e,c,h,$[c],a),c="checked",b!=null&&b!=e[c]&&$e(e,c,b,$[c],a))}else $===_||l&&e.data==_||(e.data=_);return e}function He(e,t,n,s){try{typeof e=="function"?t?t.__x=e(t)||1:s&&(s=s.__c||s.__e)&&(t=s.__x)&&(s.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(a){w.__e(a,n)}}function Ge(e,t,n){var s,a,o,r;if(w.unmount&&w.unmount(e),!(s=e.ref)||s.current&&s.current!=e.__e||He(s,null,t,e),s=e.__c){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(l){w.__e(l,t)}s.__P=s.__n=null}if(s=e.__k)for(r=0;r<s.length;r++)s[r]&&Ge(s[r],t,typeof e.type!="function"||n&&!e.props.__P);!n&&(s=e.__c)&&(s=s.__z)&&(a=be(s,o=[]))&&(s==e.__e&&o.some(Y),Y(a),Y(s)),n||Y(e.__e),e.__e=e.__c=e.__=null}function En(e,t,n){return this.constructor(e,n)}function We(e,t){var n,s,a,o;w.__&&w.__(e,t),t.nodeType==9&&(t=t.documentElement),s=(n=e&&32&e.__u)?null:t.__k,t.__k=oe(ye,{children:[e]}),a=[],o=[],Ue(t,t.__k,s||ge,ge,t.namespaceURI,s?null:t.firstChild?qe.call(t.childNodes):null,a,s?s.__e:t.firstChild,n,o),mt(a,t.__k,o),t.__k.props.children=null}w={__e:function(e,t,n,s){for(var a,o,r;t=t.__;)if((a=t.__c)&&!(1&a.__g)){a.__g|=4;try{if((r=(o=a.constructor)&&o.getDerivedStateFromError)&&a.setState(o.getDerivedStateFromError(e)),a.componentDidCatch&&(a.componentDidCatch(e,s||{}),r=1),r&&8&a.__g)return void(a.__g|=2)}catch(l){e=l}}throw me=0,e}},ct=0,kn=function(e){return e!=null&&e.constructor===le},_e.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=Z({},this.state)),typeof e=="function"&&(e=e(Z({},n),this.props)),e&&(Z(n,e),this.__v&&(t&&this.__k.push(t),it(this)))},_e.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),it(this))},_e.prototype.render=ye,K=[],me=0,ut=function(e,t){return e.__v.__b-t.__v.__b},he=Symbol(),pt=/(PointerCapture)$|Capture$/i,ze=0,Ie={},xn=0;var ee,O,Je,gt,Ke=Object.is,ke=0,Tt=[],Ve=[],M=w,vt=M.__b,yt=M.__r,kt=M.diffed,xt=M.__c,wt=M.unmount,St=M.__;function xe(e,t){M.__h&&M.__h(O,e,ke||t),ke=0;var n=O.__H||(O.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function C(e){return ke=1,Pn(Mt,e)}function Pn(e,t,n){var s=xe(ee++,2);if(s.t=e,!s.__c&&(s.__=[n?n(t):Mt(void 0,t),function(o){var r=(s.__N||s.__)[0],l=s.t(r,o);Ke(r,l)||(s.__N=[l,s.__[1]],s.__c.setState({}))}],s.__c=O,!O.__f)){O.__f=!0;var a=O.shouldComponentUpdate;O.shouldComponentUpdate=function(o,r,l){var i=this.__H;if(!i)return!0;var d=!1,c=this.props!=o;if(i.__.some(function(f){f.__N&&(d=!0,Ke(f.__[0],f.__N[0])||(c=!0))}),a){var u=a.call(this,o,r,l);return d?u||c:u}return!d||c}}return s.__}function L(e,t){var n=xe(ee++,3);!M.__s&&Ye(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,O.__H.__h.push(n))}function te(e,t){var n=xe(ee++,4);!M.__s&&Ye(n.__H,t)&&(n.__P=!1,n.__=e,n.u=t,O.__h.push(n))}function I(e){return ke=5,A(function(){return{current:e}},[])}function A(e,t){var n=xe(ee++,7);return Ye(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function On(){var e;do{for(;e=Ve.shift();)try{re(e)}catch(n){M.__e(n,{__:(e=e.__P)&&e.__v})}for(;e=Tt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(re),t.__h.some(Xe),t.__h=[]}catch(n){t.__h=[],M.__e(n,e.__v)}}}while(Ve.length)}M.__b=function(e){O=null,vt&&vt(e)},M.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),St&&St(e,t)},M.__r=function(e){yt&&yt(e),ee=0;var t=(O=e.__c).__H;t&&(Je==O?O.__h=[]:(t.__h.some(re),t.__h.some(Xe),ee=0),t.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),Je=O},M.diffed=function(e){kt&&kt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&At(Tt.push(t)),t.__H.__.some(function(n){n.u&&(n.__H=n.u)})),Je=O=null},M.__c=function(e,t){t.some(function(n){try{n.__h.some(re),n.__h=n.__h.filter(function(s){return!s.__||Xe(s)})}catch(s){n.__h=[function(){throw s}]}}),xt&&xt(e,t)},M.unmount=function(e){wt&&wt(e);var t,n,s=e.__c;s&&s.__H&&(s.__H.__.some(function(a){try{if(a.__P&&a.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}a.__P=n,At(Ve.push(a))}else re(a)}catch(o){t=o}}),s.__H=void 0,t&&M.__e(t,s.__v))};var Ct=typeof requestAnimationFrame=="function";function Nn(e){var t,n=function(){clearTimeout(s),Ct&&cancelAnimationFrame(t),setTimeout(e)},s=setTimeout(n,35);Ct&&(t=requestAnimationFrame(n))}function At(e){e!=1&&gt==M.requestAnimationFrame||((gt=M.requestAnimationFrame)||Nn)(On)}function re(e){var t=O,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),O=t}function Xe(e){var t=O;e.__c=e.__(),O=t}function Ye(e,t){return!e||e.length!=t.length||t.some(function(n,s){return!Ke(n,e[s])})}function Mt(e,t){return typeof t=="function"?t(e):t}var Pt=function(e,t,n,s){var a;t[0]=0;for(var o=1;o<t.length;o++){var r=t[o++],l=t[o]?(t[0]|=r?1:2,n[t[o++]]):t[++o];r===3?s[0]=l:r===4?s[1]=Object.assign(s[1]||{},l):r===5?(s[1]=s[1]||{})[t[++o]]=l:r===6?s[1][t[++o]]+=l+"":r?(a=e.apply(l,Pt(e,l,n,["",null])),s.push(a),l[0]?t[0]|=2:(t[o-2]=0,t[o]=a)):s.push(l)}return s},Et=new Map;function N(e){var t=Et.get(this);return t||(t=new Map,Et.set(this,t)),(t=Pt(this,t.get(e)||(t.set(e,t=(function(n){for(var s,a,o=1,r="",l="",i=[0],d=function(f){o===1&&(f||(r=r.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?i.push(0,f,r):o===3&&(f||r)?(i.push(3,f,r),o=2):o===2&&r==="..."&&f?i.push(4,f,0):o===2&&r&&!f?i.push(5,0,!0,r):o>=5&&((r||!f&&o===5)&&(i.push(o,0,r,a),o=6),f&&(i.push(o,f,0,a),o=6)),r=""},c=0;c<n.length;c++){c&&(o===1&&d(),d(c));for(var u=0;u<n[c].length;u++)s=n[c][u],o===1?s==="<"?(d(),i=[i],o=3):r+=s:o===4?r==="--"&&s===">"?(o=1,r=""):r=s+r[0]:l?s===l?l="":r+=s:s==='"'||s==="'"?l=s:s===">"?(d(),o=1):o&&(s==="="?(o=5,a=r,r=""):s==="/"&&(o<5||n[c][u+1]===">")?(d(),o===3&&(i=i[0]),o=i,(i=i[0]).push(2,0,o),o=0):s===" "||s==="	"||s===`
`||s==="\r"?(d(),o=2):r+=s),o===3&&r==="!--"&&(o=4,i=i[0])}return d(),i})(e)),t),arguments,[])).length>1?t:t[0]}var we=Symbol.for("dspyer-lab.viz"),Se=Symbol.for("dspyer-lab.viz.pending"),Ze=3e3;function jn(e){let t=URL.createObjectURL(new Blob([e],{type:"text/javascript"}));return import(t).finally(()=>URL.revokeObjectURL(t))}function Bn(){let e={askedAt:-1/0,asked:new WeakSet,settled:!1};return e.promise=new Promise((t,n)=>{e.resolve=t,e.reject=n}),e.promise.then(()=>{e.settled=!0},()=>{e.settled=!0,globalThis[we]===e.promise&&(delete globalThis[we],delete globalThis[Se])}),globalThis[we]=e.promise,globalThis[Se]=e,e}function Dn(e,t){t.asked.add(e),t.askedAt=Date.now();function n(s,a){if(!s||s.type!=="runtime"||(e.off("msg:custom",n),t.settled))return;let o=a&&a[0];if(!o){t.reject(new Error(s.error||"the kernel sent no Graphviz runtime"));return}jn(o).then(r=>r.instance()).then(t.resolve,t.reject)}e.on("msg:custom",n);try{e.send({type:"need-runtime"})}catch{}}function Ot(){let e=globalThis[Se];return!e||!e.settled}function Qe(e){let t=globalThis[Se];return(!globalThis[we]||!t)&&(t=Bn()),!t.settled&&!t.asked.has(e)&&Date.now()-t.askedAt>Ze&&Dn(e,t),t.promise}var Ln="http://www.w3.org/2000/svg",Rn=["fill","fill-opacity","stroke","stroke-width","stroke-dasharray","stroke-opacity","opacity"],In=["font-family","font-size","font-weight","font-style"],zn=["tabindex","role","aria-label","data-selected","style","class"];function Fn(e,t){let n=e.ownerDocument&&e.ownerDocument.defaultView;if(!n||!e.isConnected)return;let s=[e,...e.querySelectorAll("*")],a=[t,...t.querySelectorAll("*")];for(let o=0;o<s.length&&o<a.length;o++){let r=s[o],l=a[o],i=n.getComputedStyle(r),d=i.display==="none"||i.visibility==="hidden";for(let f of zn)l.removeAttribute(f);if(d){l.setAttribute("display","none");continue}let c=r.localName;if(["ellipse","polygon","path","polyline","rect","circle","line","text"].includes(c))for(let f of Rn)l.setAttribute(f,i.getPropertyValue(f));if(c==="text")for(let f of In)l.setAttribute(f,i.getPropertyValue(f))}}function qn(e){let t=e.cloneNode(!0);Fn(e,t),t.setAttribute("xmlns",Ln);let n=e.closest&&e.closest(".dspyer-graphview"),s=e.ownerDocument&&e.ownerDocument.defaultView;if(n&&s&&n.isConnected){let a=s.getComputedStyle(n).getPropertyValue("--dl-bg").trim(),o=t.querySelector("g.graph > polygon");a&&o&&o.setAttribute("fill",a)}return new XMLSerializer().serializeToString(t)}var Nt=new WeakMap,Un=60;function Ce(e,t,n=0){if(!t)return;if(!t.isConnected){n<Un&&requestAnimationFrame(()=>Ce(e,t,n+1));return}let s=qn(t);Nt.get(e)!==s&&(Nt.set(e,s),e.send({type:"snapshot",svg:s}))}function Ae(e,t,n={_picture:"_open_picture",_panel:"_open_panel"}){let s=new Map,a=r=>{let l=/^change:(.*)$/.exec(r);return l?`change:${n[l[1]]??l[1]}`:r},o=(r,l)=>r!=="msg:custom"?l:(s.has(l)||s.set(l,(i,d)=>{i&&(i.to===t||i.type==="runtime")&&l(i,d)}),s.get(l));return{get:r=>r==="_still"?"":e.get(n[r]??r),on:(r,l)=>e.on(a(r),o(r,l)),off:(r,l)=>e.off(a(r),o(r,l)),send:(r,...l)=>e.send(r&&r.type==="need-runtime"?r:{...r,to:t},...l)}}var z=N.bind(P),jt={index:"#",summary:"inputs",status:"status",score:"score",attempts:"attempts",duration:"duration",error_type:"error"},Hn={all:"all examples",failures:"failures only",failed:"failed",rate_limited:"rate-limited",cancelled:"cancelled",running:"running",finished:"finished"},Gn={failure_rate:"share of visits (each shade 20%)",retry_rate:"share of visits (each shade 20%)",visits:"relative to the busiest node",p50:"relative to the slowest node",p95:"relative to the slowest node"};function Wn({model:e,panel:t}){let n=t.progress||{},s=t.stop||{},a=n.total||0,o=l=>`${a?100*l/a:0}%`,r=(n.done||0)-(n.failed||0)-(n.rate_limited||0);return z`<div class="dl-toolbar dl-batch-progress">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>e.send({type:"stop"})}>■ Stop</button>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${a} aria-valuenow=${n.done||0}
      data-done=${n.done||0} data-total=${a}>
      <span class="dl-bar-ok" style=${{width:o(r)}}></span>
      <span class="dl-bar-failed" style=${{width:o((n.failed||0)+(n.rate_limited||0))}}></span>
    </div>
    <span class="dl-status" title=${[n.text,t.store].filter(Boolean).join(`
`)}
      data-stored=${t.store||void 0}>${n.text||""}</span>
  </div>`}function Jn({measure:e,label:t}){return z`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">${t}: ${Gn[e]||""}</span>
    ${[0,1,2,3,4,5].map(n=>z`<span class="dl-key" data-heat=${n}>
      <span class="dl-swatch"></span>${n===0?"none":""}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>edge width: times taken</span>
  </div>`}function Kn({panel:e,measure:t}){let n=e.nodes||[];if(!n.length)return null;let s=["visits","retry_rate","failure_rate","model_retries","p50","p95"],a={visits:"visits",retry_rate:"retry rate",failure_rate:"failure rate",model_retries:"model retries",p50:"p50",p95:"p95"};return z`<div class="dl-scroll"><table class="dl-table dl-nodes">
    <thead><tr><th>node</th>${s.map(o=>z`<th data-measure=${o}
      data-chosen=${o===t?"true":void 0}>${a[o]}</th>`)}</tr></thead>
    <tbody>${n.map(o=>z`<tr data-node=${o.node}><th scope="row">${o.node}</th>
      ${s.map(r=>z`<td data-measure=${r} data-chosen=${r===t?"true":void 0}>${o[r]}</td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Vn(e,t){return String(t==="index"?e.index:e[t]??"")}function Xn({model:e,panel:t}){let n=t.examples;if(!n)return null;let s=n.query||{},a=l=>e.send({type:"table",...l}),o=l=>a({sort:l,descending:s.sort===l?!s.descending:!1}),r=l=>l.kept&&e.send({type:"open",index:l.index});return z`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-filter" value=${s.filter} onChange=${l=>a({filter:l.currentTarget.value})}>
          ${(n.filters||[]).map(l=>z`<option value=${l}>${Hn[l]||l}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(s.page>0)} onClick=${()=>a({page:s.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(s.page+1<n.pages)}
        onClick=${()=>a({page:s.page+1})}>next ▶</button>
      <span class="dl-position">${n.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr>${n.columns.map(l=>z`<th data-col=${l}
        aria-sort=${s.sort===l?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${jt[l]||l}`} onClick=${()=>o(l)}>
          ${jt[l]||l}${s.sort===l?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>z`<tr class="dl-example" data-index=${l.index} data-status=${l.status}
        data-kept=${l.kept?"true":"false"} data-open=${l.open?"true":void 0}
        tabindex=${l.kept?"0":void 0} role=${l.kept?"button":void 0}
        title=${l.kept?`open example ${l.index}${l.error?`: ${l.error}`:""}`:"events not kept (not sampled)"}
        onClick=${()=>r(l)} onKeyDown=${i=>i.key==="Enter"&&r(l)}>
        ${n.columns.map(i=>z`<td data-col=${i}>${Vn(l,i)}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function Yn({model:e,panel:t,Lab:n,example:s}){return t.opened===null||t.opened===void 0||!e.get("_open_panel")?null:z`<div class="dl-opened" data-index=${t.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">Example ${t.opened}</span>
      <button class="dl-close" onClick=${()=>e.send({type:"close-example"})}>✕ close</button>
    </div>
    <${n} key=${t.opened} model=${s} />
  </div>`}function Bt({model:e,views:t,useTrait:n}){let{GraphPane:s,Lab:a}=t,o=n(e,"_layout")||{},r=n(e,"_picture")||{},l=n(e,"_panel")||"{}";n(e,"_open_panel");let i=A(()=>JSON.parse(l),[l]),d=A(()=>Ae(e,"example"),[e]),c=i.measures||[],[u,f]=C("failure_rate"),p=(c.find(h=>h.id===u)||{}).label||u,g=A(()=>({...r,heat:{...r.heat||{},measure:u}}),[r,u]);return z`<div class="dspyer-batch" data-run-state=${i.state||"idle"} data-measure=${u}>
    <${Wn} model=${e} panel=${i} />
    <div class="dl-body">
      <div class="dl-main">
        <label class="dl-pick">colour nodes by
          <select class="dl-measure" value=${u} onChange=${h=>f(h.currentTarget.value)}>
            ${c.map(h=>z`<option value=${h.id}>${h.label}</option>`)}
          </select></label>
        <${s} model=${e} layout=${o} picture=${g}
          legend=${z`<${Jn} measure=${u} label=${p} />`} />
        <${Kn} panel=${i} measure=${u} />
      </div>
      <div class="dl-side"><${Xn} model=${e} panel=${i} /></div>
    </div>
    <${Yn} model=${e} panel=${i} Lab=${a} example=${d} />
  </div>`}var k=N.bind(P),Te={changed:"changed",same:"same","only-a":"only in A","only-b":"only in B",none:"not run"},Zn={all:"all examples",fixed:"fixed",broken:"broken",same:"same",changed:"changed"},Qn=["fixed","broken","same","changed"];function Dt(e,t){let n=e.querySelector(":scope > title");n||(n=document.createElementNS("http://www.w3.org/2000/svg","title"),e.prepend(n)),n.textContent!==t&&(n.textContent=t)}function ie(e,t,n){n==null?e.hasAttribute(t)&&e.removeAttribute(t):e.getAttribute(t)!==String(n)&&e.setAttribute(t,String(n))}function Lt(e,t,n){if(!e)return;let s=t&&t.nodes?t:null,a=t&&t.heat||null;for(let r of e.querySelectorAll("g.node[data-node]")){let l=r.getAttribute("data-node");if(s){let i=s.nodes[l]||"none";ie(r,"data-diff",i),ie(r,"data-diverge",s.diverge===l?"true":null),Dt(r,`${l}: ${Te[i]||i}${s.diverge===l?" (the paths part here)":""}`)}else if(a){let i=a[l],d=i&&i.levels&&i.levels[n]||0;ie(r,"data-delta",d>0?"worse":d<0?"better":"none"),ie(r,"data-delta-level",Math.abs(d)),Dt(r,i?i.title:`${l}: not run`)}}let o=s&&s.edges||{};for(let r of e.querySelectorAll("g.edge[data-edge]"))ie(r,"data-side",s&&o[r.getAttribute("data-edge")]||null)}function It({model:e,GraphPane:t,layout:n,picture:s,measure:a,legend:o}){let r=I(null),l=s.compare;return L(()=>{let i=r.current;Lt(i,l,a);let d=new MutationObserver(()=>Lt(i,l,a));return d.observe(i,{childList:!0,subtree:!0}),()=>d.disconnect()},[l,a]),k`<div class="dl-compare-graph" ref=${r}>
    <${t} model=${e} layout=${n} picture=${s} legend=${o} />
  </div>`}function Ee({ops:e,keep:t}){return e.filter(([n])=>n==="="||n===t).map(([n,s])=>n==="="?s:n==="-"?k`<del class="dl-del">${s}</del>`:k`<ins class="dl-ins">${s}</ins>`)}function Me({row:e,side:t}){let n=t==="a"?"dl-a":"dl-b";return e.changed&&e.diff&&e.diff.length?k`<td class=${n}><pre class="dl-value"><${Ee} ops=${e.diff} keep=${t==="a"?"-":"+"} /></pre></td>`:k`<td class=${n}><pre class="dl-value">${e[t]}</pre></td>`}function Rt(e){if(!e)return"not run";let t=[e.status,e.duration,`${e.attempts??0} attempt(s)`,`${e.tokens} tokens`];return e.calls&&t.push(`${e.calls} call(s)${e.models.length?` (${e.models.join(", ")})`:""}`),t.filter(Boolean).join(" · ")}function es({detail:e}){return e?k`<div class="dl-detail" data-node=${e.node} data-diff=${e.diff}>
    <div class="dl-title">${e.node}: ${Te[e.diff]||e.diff}
      ${e.changed.length?` (${e.changed.join(", ")})`:""}</div>
    ${e.visits.map(t=>k`<div class="dl-scroll"><table class="dl-table dl-fields" data-visit=${t.visit}>
      <thead><tr><th>visit ${t.visit}</th><th class="dl-a">A: ${Rt(t.a)}</th>
        <th class="dl-b">B: ${Rt(t.b)}</th></tr></thead>
      <tbody>${t.fields.map(n=>k`<tr data-field=${n.field} data-changed=${n.changed?"true":"false"}>
        <th scope="row">${n.field}</th><${Me} row=${n} side="a" /><${Me} row=${n} side="b" /></tr>`)}
      </tbody></table></div>`)}
    ${e.more&&k`<p class="dl-hint dl-more">${e.more}</p>`}
  </div>`:k`<p class="dl-hint">Click a node (on the graph or in the list) to see its two runs side by side.</p>`}function ts({model:e,data:t,send:n,GraphPane:s}){let a=t.summary||{},o=t.path&&t.path.diverge,r=k`<div class="dl-legend" aria-label="legend">
    ${["changed","same","only-a","only-b"].map(l=>k`<span class="dl-key" data-diff=${l}>
      <span class="dl-swatch"></span>${Te[l]}</span>`)}
    <span class="dl-key" data-side="a"><span class="dl-line"></span>A's path</span>
    <span class="dl-key" data-side="b"><span class="dl-line"></span>B's path</span>
    <span class="dl-key" data-side="both"><span class="dl-line"></span>both</span>
  </div>`;return k`<div class="dl-body">
    <div class="dl-main">
      <${It} model=${e} GraphPane=${s} layout=${t.layout||{}}
        picture=${t.picture||{}} legend=${r} />
      <p class="dl-path-line" data-diverge=${o?"true":"false"}>${o?`The paths part at step ${o.step+1}${o.after?`, after ${o.after}`:""}: A → ${o.a||"end"}, B → ${o.b||"end"}`:"Both runs took the same path."}</p>
      <div class="dl-scroll"><table class="dl-table dl-summary">
        <thead><tr><th></th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
        <tbody>
          <tr><th scope="row">status</th><td class="dl-a">${a.a.status}</td><td class="dl-b">${a.b.status}</td></tr>
          <tr><th scope="row">duration</th><td class="dl-a">${a.a.duration}</td><td class="dl-b">${a.b.duration}</td></tr>
          <tr><th scope="row">tokens</th><td class="dl-a">${String(a.a.tokens)}</td><td class="dl-b">${String(a.b.tokens)}</td></tr>
          <tr data-field="output" data-changed=${a.output_changed?"true":"false"}><th scope="row">output</th>
            <${Me} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="a" />
            <${Me} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="b" /></tr>
        </tbody></table></div>
    </div>
    <div class="dl-side">
      <div class="dl-node-list">${(t.nodes||[]).map(l=>k`<button class="dl-node" data-node=${l.node}
        data-diff=${l.diff} aria-pressed=${t.selected===l.node?"true":"false"}
        onClick=${()=>n({type:"select",node:t.selected===l.node?"":l.node})}>
        ${l.node}: ${Te[l.diff]||l.diff}${l.changed.length?` (${l.changed.join(", ")})`:""}</button>`)}
      </div>
      <${es} detail=${t.detail} />
    </div>
  </div>`}function ns({examples:e,send:t}){let n=a=>t({type:"table",...a}),s=a=>a.openable&&t({type:"open",index:a.index});return k`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-outcome-filter" value=${e.filter}
          onChange=${a=>n({filter:a.currentTarget.value})}>
          ${e.filters.map(a=>k`<option value=${a}>${Zn[a]||a}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(e.page>0)} onClick=${()=>n({page:e.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(e.page+1<e.pages)}
        onClick=${()=>n({page:e.page+1})}>next ▶</button>
      <span class="dl-position">${e.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr><th>#</th><th>inputs</th><th>outcome</th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
      <tbody>${e.rows.map(a=>k`<tr class="dl-example" data-index=${a.index} data-outcome=${a.outcome}
        data-openable=${a.openable?"true":"false"} tabindex=${a.openable?"0":void 0}
        role=${a.openable?"button":void 0}
        title=${a.openable?`open example ${a.index}'s two runs`:"runs not kept: only outputs and scores compared"}
        onClick=${()=>s(a)} onKeyDown=${o=>o.key==="Enter"&&s(a)}>
        <td>${String(a.index)}</td><td>${a.summary}</td><td data-col="outcome">${a.outcome}</td>
        <td class="dl-a">${[a.a.status,a.a.score].filter(Boolean).join(" · ")}</td>
        <td class="dl-b">${[a.b.status,a.b.score].filter(Boolean).join(" · ")}</td></tr>`)}
      </tbody></table></div>
  </div>`}function ss({model:e,data:t,send:n,GraphPane:s}){let a=t.measures||[],[o,r]=C("failure_rate"),l=(a.find(u=>u.id===o)||{}).label||o,i=k`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">B − A, ${l}:</span>
    ${[-5,-3,-1,0,1,3,5].map(u=>k`<span class="dl-key" data-delta=${u>0?"worse":u<0?"better":"none"}
      data-delta-level=${Math.abs(u)}><span class="dl-swatch"></span>${u===-5?"better":u===0?"same":u===5?"worse":""}</span>`)}
  </div>`,d=t.counts||{},c=t.score||{};return k`<div class="dl-body">
    <div class="dl-main">
      <div class="dl-outcomes">${Qn.map(u=>k`<button class="dl-outcome-count" data-outcome=${u}
        ...${{[`data-outcome-count-${u}`]:String(d[u]??0)}}
        onClick=${()=>n({type:"table",filter:u})}>${u} ${String(d[u]??0)}</button>`)}</div>
      <p class="dl-score">${c.measure} B − A: <span class="dl-score-delta">${c.text}</span>${" "}
        <span class="dl-hint">(A ${c.mean_a}, B ${c.mean_b}; passes: finished${c.measure==="score"?` and score ≥ ${t.pass_threshold}`:""})</span></p>
      <label class="dl-pick">colour nodes by the change of
        <select class="dl-measure" value=${o} onChange=${u=>r(u.currentTarget.value)}>
          ${a.map(u=>k`<option value=${u.id}>${u.label}</option>`)}
        </select></label>
      <${It} model=${e} GraphPane=${s} layout=${t.layout||{}}
        picture=${t.picture||{}} measure=${o} legend=${i} />
      <div class="dl-scroll"><table class="dl-table dl-nodes">
        <thead><tr><th>node</th>${a.map(u=>k`<th data-measure=${u.id}>${u.label} A → B</th>`)}</tr></thead>
        <tbody>${(t.nodes||[]).map(u=>k`<tr data-node=${u.node}><th scope="row">${u.node}</th>
          ${a.map(f=>k`<td data-measure=${f.id}>${u.a[f.id]} → ${u.b[f.id]} (${u.delta[f.id]})</td>`)}
        </tr>`)}</tbody></table></div>
    </div>
    <div class="dl-side">${t.examples&&k`<${ns} examples=${t.examples} send=${n} />`}</div>
  </div>`}function as(e,t){return{get:n=>n==="_still"?"":e.get(n),on:(...n)=>e.on(...n),off:(...n)=>e.off(...n),send:(n,...s)=>{n&&n.type==="need-runtime"?e.send(n,...s):n&&n.type!=="snapshot"&&t(n)}}}function de({model:e,data:t,send:n,views:s,embedded:a=!0}){let{GraphPane:o}=s,r=A(()=>a?as(e,n):e,[e,n,a]);if(!t||!t.mode)return k`<div class="dspyer-compare"></div>`;let l=t.mode==="runs"?ts:ss;return k`<div class="dspyer-compare" data-mode=${t.mode}>
    <div class="dl-toolbar dl-compare-head">
      ${t.back&&k`<button class="dl-back" onClick=${()=>n({type:"back"})}>◀ back to the batches</button>`}
      <span class="dl-label dl-a">A: ${t.labels.a}</span>
      <span class="dl-label dl-b">B: ${t.labels.b}</span>
      ${t.note&&k`<span class="dl-note">${t.note}</span>`}
    </div>
    <${l} model=${r} data=${t} send=${n} GraphPane=${o} />
  </div>`}function zt({model:e,views:t,useTrait:n}){let s=n(e,"_layout")||{},a=n(e,"_picture")||{},o=n(e,"_compare")||"{}",r=A(()=>({...JSON.parse(o),picture:a,layout:s}),[o,a,s]),l=A(()=>i=>e.send(i),[e]);return k`<${de} model=${e} data=${r} send=${l} views=${t} embedded=${!1} />`}var os="http://www.w3.org/2000/svg",et=["idle","running","retrying","done","failed","cancelled"],ls=new Set(et),rs="__end__",Ft={start:"start",end:"end"},qt=6,Ut=null;function is(e){Ut??=document.createElement("canvas");let t=Ut.getContext("2d");return(n,s)=>(t.font=`${s}px ${e}`,t.measureText(n).width)}function ds(e,t){let n=[],s=new Map,a=(o,r)=>{let l=14,i=0,d=0;for(let c of o||[])c.op==="F"?l=c.size:c.op==="T"&&(i=Math.max(i,c.width),d=Math.max(d,t(c.text,l)));d>0&&r(i,d)};for(let o of e.objects||[])a(o._ldraw_,(r,l)=>n.push({id:o.name,est:r,real:l,width:+o.width,shape:o.shape}));for(let o of e.edges||[]){let r=String(o.class||"").split(/\s+/).find(l=>/^e\d+$/.test(l));r&&a(o._ldraw_,(l,i)=>s.set(r,{est:l,real:i}))}return{nodes:n,edges:s}}function cs(e,t){let n=[];for(let a of t){if(a.real+qt<=a.est||!/^[A-Za-z0-9_]+$/.test(a.id))continue;let o=a.shape==="diamond"?2:1,r=a.width+o*(a.real+qt-a.est)/72;n.push(`${a.id} [width=${r.toFixed(3)}]`)}if(!n.length)return e;let s=e.lastIndexOf("}");return`${e.slice(0,s)}${n.join(`
`)}
}`}async function Ht(e,t,n){document.fonts&&document.fonts.ready&&await document.fonts.ready;let s=is(n),a=ds(e.renderJSON(t),s),o=e.renderSVGElement(cs(t,a.nodes));for(let r of o.querySelectorAll("g.edge")){let l=[...r.classList].find(d=>a.edges.has(d)),i=l&&a.edges.get(l);if(!(!i||i.real<=i.est))for(let d of r.querySelectorAll(":scope > text"))d.setAttribute("textLength",String(i.est)),d.setAttribute("lengthAdjust","spacingAndGlyphs")}return o}function G(e){let t=[],n=[];for(let s of e.children){let a=s.localName;if(a==="ellipse"){let o=+s.getAttribute("cx"),r=+s.getAttribute("cy"),l=+s.getAttribute("rx"),i=+s.getAttribute("ry");t.push(o-l,o+l),n.push(r-i,r+i)}else if(a==="polygon"||a==="path"||a==="polyline"){let r=(s.getAttribute(a==="path"?"d":"points")||"").match(/-?\d*\.?\d+(?:e-?\d+)?/gi)||[];for(let l=0;l+1<r.length;l+=2)t.push(+r[l]),n.push(+r[l+1])}}return t.length?{x1:Math.min(...t),y1:Math.min(...n),x2:Math.max(...t),y2:Math.max(...n)}:null}function H(e,t){let n=document.createElementNS(os,e);for(let[s,a]of Object.entries(t))n.setAttribute(s,String(a));return n}function ne(e,t){let n=e.querySelector(":scope > title");n||(n=H("title",{}),e.prepend(n)),n.textContent=t}var Pe=class{constructor(t,n){this.svg=t,this.nodes=new Map,this.edges=new Map,this.notes={calls:new Map,progress:new Map,sends:new Map},this.junctions=new Map,this.joinOuts=new Map,t.setAttribute("class","dl-svg");let s=n.nodes||{},a=n.joins||{};for(let r of t.querySelectorAll("g.node")){let l=r.querySelector(":scope > title")?.textContent??"";if(Object.hasOwn(s,l)){let i=s[l];r.setAttribute("data-node",i),r.setAttribute("tabindex","0"),r.setAttribute("role","button"),ne(r,i),this.nodes.set(i,{group:r,badge:this.makeBadge(r)})}else Object.hasOwn(Ft,l)?(r.setAttribute("data-marker",Ft[l]),ne(r,l.toUpperCase())):Object.hasOwn(a,l)&&(r.setAttribute("data-join",l),ne(r,a[l]))}let o=new Map((n.edges||[]).map(r=>[r.id,r]));for(let r of t.querySelectorAll("g.edge.dl-join-out")){let l=[...r.classList].find(i=>Object.hasOwn(a,i));l&&this.joinOuts.set(l,r)}for(let r of t.querySelectorAll("g.edge")){let l=[...r.classList].map(c=>o.get(c)).find(Boolean);if(!l)continue;r.setAttribute("data-edge",l.id),r.setAttribute("data-source",l.source),r.setAttribute("data-target",l.target),l.key!==null&&l.key!==void 0&&r.setAttribute("data-decision",l.key);let i=l.target===rs?"END":l.target,d=l.key==null?`${l.source} → ${i}`:`${l.source} → ${i} [${l.key}]`;l.join&&r.setAttribute("data-join","true"),l.junction&&this.junctions.set(l.id,l.junction),ne(r,l.join?`${d}: ${l.join}`:d),this.edges.set(l.id,r)}}nodeGroups(){return[...this.nodes].map(([t,n])=>[t,n.group])}makeBadge(t){let n=G(t);if(!n)return null;let s=H("g",{class:"dl-badge",transform:`translate(${n.x2} ${n.y1})`});s.style.display="none";let a=H("rect",{x:-10,y:-8,width:20,height:16,rx:8,ry:8}),o=H("text",{x:0,y:3.5,"text-anchor":"middle","font-size":10});return s.append(a,o),t.appendChild(s),{badge:s,rect:a,text:o}}apply(t){let n=t.status||{},s=t.visits||{},a=t.selected||"";for(let[l,i]of this.nodes){let d=ls.has(n[l])?n[l]:"idle",c=Number.isFinite(s[l])?s[l]:0,u=i.group;u.getAttribute("data-status")!==d&&u.setAttribute("data-status",d),u.setAttribute("data-visits",String(c)),u.setAttribute("aria-label",c>1?`${l}: ${d}, ${c} visits`:`${l}: ${d}`),l===a?u.setAttribute("data-selected","true"):u.removeAttribute("data-selected"),this.setBadge(i,c)}let o=t.path||{};for(let[l,i]of this.edges){let d=Number.isFinite(o[l])?o[l]:0;d>0?(i.setAttribute("data-path","true"),i.setAttribute("data-times",String(d))):(i.removeAttribute("data-path"),i.removeAttribute("data-times")),l===t.last?i.setAttribute("data-taken","true"):i.removeAttribute("data-taken")}let r=new Set([...this.junctions].filter(([l])=>o[l]>0).map(([,l])=>l));for(let[l,i]of this.joinOuts)r.has(l)?i.setAttribute("data-path","true"):i.removeAttribute("data-path");t.heat&&this.applyHeat(t.heat)}applyHeat(t){let n=t.nodes||{};for(let[a,o]of this.nodes){let r=n[a],l=r&&r.levels?r.levels[t.measure]:void 0;o.group.setAttribute("data-heat",String(Number.isFinite(l)?l:0)),ne(o.group,r?r.title:`${a}: not run`)}let s=t.edges||{};for(let[a,o]of this.edges){let r=s[a];r?(o.setAttribute("data-count",String(r.count)),o.setAttribute("data-weight",String(r.weight))):(o.removeAttribute("data-count"),o.removeAttribute("data-weight"));let i=(o.querySelector(":scope > title")?.textContent||"").replace(/: taken \d+ times?$/,"");ne(o,r?`${i}: taken ${r.count} time${r.count===1?"":"s"}`:i)}}setBadge(t,n){if(!t.badge)return;let{badge:s,rect:a,text:o}=t.badge;if(n>1){let r=`×${n}`;if(o.textContent!==r){o.textContent=r;let l=Math.max(20,6.2*r.length+8);a.setAttribute("x",String(-l/2)),a.setAttribute("width",String(l))}s.style.display=""}else s.style.display="none"}};var j=N.bind(P),E={w:420,h:150,left:34,right:10,top:10,bottom:24};function Oe(e,t,n){n==null?e.hasAttribute(t)&&e.removeAttribute(t):e.getAttribute(t)!==String(n)&&e.setAttribute(t,String(n))}function Gt(e,t){if(e)for(let n of e.querySelectorAll("g.node[data-node]")){let s=t[n.getAttribute("data-node")],a=n.querySelector(":scope > g.dl-opt-badge");if(!s){a&&a.remove();for(let l of["data-opt-demos","data-opt-candidates","data-opt-in-best"])Oe(n,l,null);continue}if(Oe(n,"data-opt-demos",s.demos),Oe(n,"data-opt-candidates",s.candidates),Oe(n,"data-opt-in-best",s.in_best),!a){let l=G(n);if(!l)continue;a=H("g",{class:"dl-opt-badge",transform:`translate(${(l.x1+l.x2)/2} ${l.y2+11})`}),a.append(H("title",{}),H("text",{"text-anchor":"middle","font-size":9})),n.appendChild(a)}let[o,r]=a.children;r.textContent!==s.text&&(r.textContent=s.text),o.textContent!==s.title&&(o.textContent=s.title)}}function us({model:e,GraphPane:t,layout:n,picture:s}){let a=I(null),o=s.optimize&&s.optimize.nodes||{};L(()=>{let l=a.current;Gt(l,o);let i=new MutationObserver(()=>Gt(l,o));return i.observe(l,{childList:!0,subtree:!0}),()=>i.disconnect()},[o]);let r=j`<div class="dl-legend" aria-label="legend"><span class="dl-key">under each node: demos in
    the best program · its instruction (1 = the original) / instruction candidates seen</span></div>`;return j`<div class="dl-opt-graph" ref=${a}>
    <${t} model=${e} layout=${n} picture=${s} legend=${r} />
  </div>`}function ps({trials:e,line:t}){let n=e.filter(d=>d.score!==null&&d.score!==void 0),s=Math.max(1,...e.map(d=>d.n)),a=Math.max(100,...n.map(d=>d.score)),o=Math.min(0,...n.map(d=>d.score)),r=d=>E.left+(E.w-E.left-E.right)*(s===1?.5:(d-1)/(s-1)),l=d=>E.top+(E.h-E.top-E.bottom)*(1-(d-o)/(a-o||1)),i=[o,(o+a)/2,a];return j`<svg class="dl-score-plot" viewBox=${`0 0 ${E.w} ${E.h}`} width=${E.w} height=${E.h}
    role="img" aria-label=${`score per trial: ${n.length} trial(s) scored`} data-trials=${e.length}>
    ${i.map(d=>j`<g class="dl-tick"><line x1=${E.left} x2=${E.w-E.right} y1=${l(d)} y2=${l(d)} />
      <text x=${E.left-4} y=${l(d)+3} text-anchor="end">${String(Math.round(d))}</text></g>`)}
    <text class="dl-axis" x=${(E.w+E.left)/2} y=${E.h-4} text-anchor="middle">trial</text>
    ${t.length>0&&j`<polyline class="dl-best-line" data-best=${String(t[t.length-1][1])}
      points=${t.map(([d,c])=>`${r(d)},${l(c)}`).join(" ")} />`}
    ${e.map(d=>d.score===null||d.score===void 0?j`<text class="dl-trial-missing" x=${r(d.n)} y=${E.h-E.bottom} text-anchor="middle"
          data-trial=${d.n} data-error=${d.error?"true":void 0}>${d.running?"…":"×"}<title>${d.running?`trial ${d.n}: running`:`trial ${d.n}: ${d.error||"no score"}`}</title></text>`:j`<circle class="dl-trial" cx=${r(d.n)} cy=${l(d.score)} r=${d.best?5:3.5} data-trial=${d.n}
          data-score=${d.score} data-on=${d.on} data-best=${d.best?"true":void 0}
          data-failed=${d.failed||void 0} data-error=${d.error?"true":void 0}>
          <title>${`trial ${d.n}: ${d.score.toFixed(1)} on ${d.examples} example(s) (${d.on}${d.kind?`, ${d.kind}`:""})${d.failed?`; ${d.failed} example run(s) failed: ${d.failure}`:""}${d.best?" · the best":""}`}</title>
        </circle>`)}
  </svg>`}function fs({trials:e}){let t=e.filter(n=>n.error||n.failed);return t.length?j`<ul class="dl-trial-problems">${t.map(n=>j`<li class="dl-trial-problem" data-trial=${n.n}>
    ${`trial ${n.n}: `}${n.error?`ended with ${n.error}`:`${n.failed} example run(s) failed, first: ${n.failure}`}</li>`)}
  </ul>`:null}function $s({model:e,panel:t}){let n=t.progress||{},s=t.stop||{},a=n.fraction===null||n.fraction===void 0?null:`${100*n.fraction}%`;return j`<div class="dl-toolbar dl-opt-head">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>e.send({type:"stop"})}>■ Stop</button>
    <span class="dl-opt-name">${t.optimizer}</span>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${n.total??void 0}
      aria-valuenow=${n.done||0} data-done=${n.done||0} data-total=${n.total??""}
      data-indeterminate=${a===null&&t.state==="optimizing"?"true":void 0}>
      <span class="dl-bar-ok" style=${{width:a??(t.state==="optimizing"?"0%":"100%")}}></span>
    </div>
    <span class="dl-status" data-phase=${t.phase}>${t.status}</span>
  </div>`}function hs({nodes:e}){return j`<div class="dl-opt-nodes">${e.map(t=>j`<div class="dl-opt-node" data-node=${t.node}
    data-changed=${t.changed?"true":"false"}>
    <div class="dl-title">${`${t.node}: ${t.changed?"new instructions":"instructions unchanged"} · demos ${t.demos_before} → ${t.demos_after}`}</div>
    <pre class="dl-value">${t.changed?j`<${Ee} ops=${t.diff} keep="-" /><br />→ <${Ee} ops=${t.diff} keep="+" />`:t.instructions}</pre>
    ${t.demos_added.length>0&&j`<ul class="dl-demos-added">${t.demos_added.map(n=>j`<li class="dl-demo-added">${n}</li>`)}${t.more_demos>0&&j`<li>${`… ${t.more_demos} more`}</li>`}</ul>`}
  </div>`)}</div>`}function Wt({model:e,views:t,useTrait:n}){let s=n(e,"_layout")||{},a=n(e,"_picture")||{},o=n(e,"_optimize")||"{}",r=A(()=>JSON.parse(o),[o]),l=A(()=>c=>e.send({...c,to:"compare"}),[e]),i=r.trials||[],d=r.after;return j`<div class="dspyer-compare dspyer-optimize" data-state=${r.state||"idle"} data-phase=${r.phase||""}>
    <${$s} model=${e} panel=${r} />
    ${r.error&&j`<p class="dl-opt-error" role="alert">${r.error}</p>`}
    ${r.note&&j`<p class="dl-opt-note">${r.note}</p>`}
    <div class="dl-body">
      <div class="dl-main">
        <${us} model=${e} GraphPane=${t.GraphPane} layout=${s} picture=${a} />
      </div>
      <div class="dl-side">
        <${ps} trials=${i} line=${r.best_line||[]} />
        <p class="dl-hint">${`${r.best?`best ${r.best.text} (trial ${r.best.n})`:"no trial scored yet"} · filled: a whole set, hollow: a minibatch`}</p>
        <${fs} trials=${i} />
      </div>
    </div>
    ${d&&j`<div class="dl-opt-after">
      <div class="dl-title">Before (A) and after (B) on the valset</div>
      <${hs} nodes=${d.nodes||[]} />
      <${de} model=${e} data=${d.compare} send=${l} views=${t} />
    </div>`}
  </div>`}var S=N.bind(P),tt={program:"program",started:"started",status:"status",duration:"duration",total_tokens:"tokens",cost:"cost",error:"error",examples:"examples",scores:"scores"};function _s({send:e,table:t}){let n=t.query||{},s=r=>e({type:"table",...r}),a=(r,l)=>l.trim()!==(n[r]||"")&&s({[r]:l.trim()}),o=(r,l,i)=>S`<label class="dl-pick">${i}
    <input class=${l} type="text" size="12" value=${n[r]||""}
      onChange=${d=>a(r,d.currentTarget.value)}
      onKeyDown=${d=>d.key==="Enter"&&a(r,d.currentTarget.value)} /></label>`;return S`<div class="dl-filters">
    <label class="dl-pick">program
      <select class="dl-f-program" value=${n.program||""} onChange=${r=>s({program:r.currentTarget.value})}>
        <option value="">all</option>
        ${(t.programs||[]).map(r=>S`<option value=${r}>${r}</option>`)}
        ${n.program&&!(t.programs||[]).includes(n.program)&&S`<option value=${n.program}>${n.program}</option>`}
      </select></label>
    <label class="dl-pick">status
      <select class="dl-f-status" value=${n.status||""} onChange=${r=>s({status:r.currentTarget.value})}>
        <option value="">all</option>
        ${(t.statuses||[]).map(r=>S`<option value=${r}>${r}</option>`)}
      </select></label>
    ${o("node","dl-f-node","visited node")}
    ${o("text","dl-f-text","error contains")}
    <label class="dl-pick">from
      <input class="dl-f-since" type="date" value=${n.since||""} onChange=${r=>s({since:r.currentTarget.value})} /></label>
    <label class="dl-pick">to
      <input class="dl-f-until" type="date" value=${n.until||""} onChange=${r=>s({until:r.currentTarget.value})} /></label>
  </div>`}function Jt({page:e,pages:t,position:n,go:s}){return S`<div class="dl-pager">
    <button class="dl-prev" disabled=${!(e>0)} onClick=${()=>s(e-1)}>◀ previous</button>
    <button class="dl-next" disabled=${!(e+1<t)} onClick=${()=>s(e+1)}>next ▶</button>
    <span class="dl-position">${n}</span>
  </div>`}function bs({send:e,confirm:t}){return t?S`<div class="dl-confirm" role="alertdialog">
    <span class="dl-confirm-text">${t.text}</span>
    <button class="dl-delete-confirm" onClick=${()=>e({type:"delete-confirm"})}>Delete</button>
    <button class="dl-delete-cancel" onClick=${()=>e({type:"delete-cancel"})}>Cancel</button>
  </div>`:null}function Kt({send:e,panel:t}){return S`<button class="dl-compare" disabled=${!t.can_compare} onClick=${()=>e({type:"compare"})}
    title="check two rows to compare them side by side">Compare</button>`}function Vt({send:e,id:t,checked:n,label:s}){return S`<td class="dl-check" onClick=${a=>a.stopPropagation()}><input class="dl-check" type="checkbox"
    checked=${n} aria-label=${s}
    onChange=${a=>e({type:"check",id:t,checked:a.currentTarget.checked})} /></td>`}function ms({send:e,panel:t}){let n=t.runs;if(!n)return null;let s=n.query||{},a=new Set(t.checked||[]),o=l=>e({type:"table",sort:l,descending:s.sort===l?!s.descending:l==="started"}),r=l=>e({type:"open",run_id:l.run_id});return S`<div class="dl-runs-list">
    <${_s} send=${e} table=${n} />
    <div class="dl-actions">
      <${Jt} page=${s.page} pages=${n.pages} position=${n.position}
        go=${l=>e({type:"table",page:l})} />
      <button class="dl-delete" disabled=${!t.can_delete} onClick=${()=>e({type:"delete"})}
        title="delete the checked runs from the store">${`Delete${a.size?` ${a.size}`:""}…`}</button>
      <${Kt} send=${e} panel=${t} />
    </div>
    <${bs} send=${e} confirm=${t.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-runs-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(l=>S`<th data-col=${l}
        aria-sort=${s.sort===l?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${tt[l]||l}`} onClick=${()=>o(l)}>
          ${tt[l]||l}${s.sort===l?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>S`<tr class="dl-run" key=${l.run_id} data-run-id=${l.run_id} data-status=${l.status}
        data-checked=${a.has(l.run_id)?"true":void 0} data-open=${t.opened===l.run_id?"true":void 0}
        data-parent=${l.parent||void 0} tabindex="0" role="button" title=${`open run ${l.run_id}`}
        onClick=${()=>r(l)} onKeyDown=${i=>i.key==="Enter"&&i.target===i.currentTarget&&r(l)}>
        <${Vt} send=${e} id=${l.run_id} checked=${a.has(l.run_id)} label=${`select run ${l.run_id}`} />
        ${n.columns.map(i=>S`<td data-col=${i} title=${i==="error"?l.error_full:void 0}>${l[i]??""}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function gs({send:e,opened:t}){return t?S`<div class="dl-batch-examples" data-batch-id=${t.batch_id}>
    <div class="dl-opened-bar">
      <span class="dl-title">${t.title}</span>
      <button class="dl-close" onClick=${()=>e({type:"open-batch",batch_id:null})}>✕ close</button>
    </div>
    <${Jt} page=${t.page} pages=${t.pages} position=${t.position}
      go=${n=>e({type:"batch-page",page:n})} />
    <div class="dl-scroll"><table class="dl-table">
      <thead><tr><th>#</th><th>run</th><th>score</th><th>status</th></tr></thead>
      <tbody>${t.rows.map(n=>{let s=()=>n.run_id&&n.status!=="deleted"&&e({type:"open",run_id:n.run_id});return S`<tr class="dl-batch-example" data-index=${n.index} data-run-id=${n.run_id||void 0}
          data-status=${n.status} tabindex="0" role="button" onClick=${s} onKeyDown=${a=>a.key==="Enter"&&s()}>
          <td>${String(n.index)}</td><td>${n.run_id||""}</td><td>${n.score}</td><td>${n.status}</td></tr>`})}</tbody>
    </table></div>
  </div>`:null}function vs({send:e,panel:t}){let n=t.batches;if(!n)return null;let s=n.opened,a=new Set(t.checked||[]);return S`<div class="dl-batches-list">
    <div class="dl-actions"><${Kt} send=${e} panel=${t} /></div>
    <div class="dl-scroll"><table class="dl-table dl-batches-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(o=>S`<th data-col=${o}>${tt[o]||o}</th>`)}</tr></thead>
      <tbody>${n.rows.map(o=>{let r=()=>e({type:"open-batch",batch_id:o.batch_id});return S`<tr class="dl-batch" key=${o.batch_id} data-batch-id=${o.batch_id} data-status=${o.status}
          data-open=${s&&s.batch_id===o.batch_id?"true":void 0} tabindex="0" role="button"
          data-checked=${a.has(o.batch_id)?"true":void 0}
          onClick=${r} onKeyDown=${l=>l.key==="Enter"&&l.target===l.currentTarget&&r()}>
          <${Vt} send=${e} id=${o.batch_id} checked=${a.has(o.batch_id)} label=${`select batch ${o.batch_id}`} />
          ${n.columns.map(l=>S`<td data-col=${l}>${o[l]??""}</td>`)}</tr>`})}</tbody>
    </table></div>
    <${gs} send=${e} opened=${s} />
  </div>`}function ys({model:e,panel:t,Lab:n,run:s}){return!t.opened||!e.get("_open_panel")?null:S`<div class="dl-opened" data-run-id=${t.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">${`Run ${t.opened}`}</span>
      ${!t.forkable&&S`<span class="dl-note dl-replay-only">replay only: give RunsView the program that made it
        to run from a step</span>`}
      <button class="dl-close" onClick=${()=>e.send({type:"close-run"})}>✕ close</button>
    </div>
    <${n} key=${t.opened} model=${s} />
  </div>`}function ks({model:e,views:t,useTrait:n}){let s=n(e,"_compare")||"",a=A(()=>s?JSON.parse(s):null,[s]),o=A(()=>r=>e.send({...r,to:"compare"}),[e]);return a?S`<div class="dl-compared">
    <div class="dl-opened-bar">
      <span class="dl-title">Compare</span>
      <button class="dl-close" onClick=${()=>e.send({type:"close-compare"})}>✕ close</button>
    </div>
    <${de} model=${e} data=${a} send=${o} views=${t} />
  </div>`:null}function Xt({model:e,views:t,useTrait:n}){let{Lab:s}=t,a=n(e,"_panel")||"{}";n(e,"_open_panel");let o=A(()=>JSON.parse(a),[a]),r=A(()=>Ae(e,"run",{_picture:"_open_picture",_panel:"_open_panel",_layout:"_open_layout"}),[e]),l=u=>e.send(u),i=o.mode||"runs",d=i==="runs"?(o.runs||{}).total:(o.batches||{}).total,c=(u,f)=>S`<button class="dl-mode" data-mode=${u} aria-pressed=${u===i?"true":"false"}
    onClick=${()=>l({type:"mode",mode:u})}>${f}</button>`;return S`<div class="dspyer-runs" data-mode=${i} data-count=${d??0}>
    <div class="dl-runs-bar">
      <span class="dl-toggle" role="group">${c("runs","Runs")}${c("batches","Batches")}</span>
      <button class="dl-refresh" title="read the store again" onClick=${()=>l({type:"refresh"})}>⟳ Refresh</button>
      <span class="dl-store" title=${o.store||""}>${o.store||""}</span>
      <span class="dl-notice">${o.notice||""}</span>
    </div>
    ${i==="runs"?S`<${ms} send=${l} panel=${o} />`:S`<${vs} send=${l} panel=${o} />`}
    <${ks} model=${e} views=${t} useTrait=${n} />
    <${ys} model=${e} panel=${o} Lab=${s} run=${r} />
  </div>`}function ce(e,t,n,{cls:s,attr:a,place:o,show:r}){let l=n||{};for(let[i,d]of e){let c=Object.hasOwn(l,i)?l[i]:null,u=t.get(i);if(!c){u&&u.box.remove(),t.delete(i),d.removeAttribute(a);continue}if(!u){let h=o(d);if(!h)continue;u=xs(d,s,h),t.set(i,u)}let{value:f,label:p,hint:g}=r(c,d);d.setAttribute(a,String(f)),u.label.textContent!==p&&(u.label.textContent=p),u.title.textContent!==g&&(u.title.textContent=g)}}function xs(e,t,{x:n,y:s,anchor:a}){let o=H("g",{class:t}),r=H("title",{}),l=H("text",{x:n,y:s,"text-anchor":a,"font-size":9});return o.append(r,l),e.appendChild(o),{box:o,title:r,label:l}}var x=N.bind(P),ws=24;function Qt({message:e,full:t,Cell:n}){let[s,a]=C(!!e.open);return L(()=>a(!!e.open),[e.open,e.size,e.role]),x`<details class="dl-msg" data-role=${e.role} open=${s}
    onToggle=${o=>a(o.currentTarget.open)}>
    <summary><span class="dl-role">${e.role}</span>${" "}<span class="dl-size">${e.size}</span></summary>
    ${s&&x`<pre class="dl-pre"><${n} cell=${e.text} full=${t} /></pre>`}
  </details>`}function en({stream:e}){let t=I(null),n=I(!0);L(()=>{let a=t.current;a&&n.current&&(a.scrollTop=a.scrollHeight)},[e.text]);let s=a=>{let o=a.currentTarget;n.current=o.scrollHeight-o.scrollTop-o.clientHeight<ws};return x`<div class="dl-stream-box">
    <div class="dl-stream-head">${e.field}${e.live?" · streaming…":""}</div>
    <pre class="dl-pre dl-stream" ref=${t} onScroll=${s} data-field=${e.field}
      data-live=${e.live?"true":"false"}>${e.text}</pre>
  </div>`}function tn({text:e}){return e?x`<span class="dl-run-calls" title=${e}>${e}</span>`:null}function nn(e,t){ce(e.nodeGroups(),e.notes.calls,t,{cls:"dl-calls",attr:"data-calls",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2+5,y:s.y2+10,anchor:"start"}},show:n=>({value:n.calls,label:String(n.label??""),hint:String(n.hint??"")})})}var Yt=0;function Ss({passed:e,errors:t}){let n=(t||[]).length;return x`<div class="dl-verdict" data-pass=${e?"true":"false"}>${e?"✓ passes the node's contract":`✗ rejected: ${n} error${n===1?"":"s"}`}</div>`}function Cs({fields:e,Cell:t,full:n}){return!e||!e.length?x`<div class="dl-note">no field could be read from the answer</div>`:x`<table class="dl-table dl-pg-fields"><tbody>${e.map(s=>x`<tr
      data-field=${s.name} data-invalid=${s.errors.length?"true":void 0}>
    <th scope="row">${s.name}</th>
    <td><${t} cell=${s.value} full=${n} />${s.errors.map(a=>x`<div class="dl-pg-field-error">${a}</div>`)}</td>
  </tr>`)}</tbody></table>`}function Zt({model:e,pg:t,variant:n,label:s,Cell:a,full:o}){let r=n,l=r.errors?r.errors.filter(i=>!(r.fields||[]).some(d=>d.errors.includes(i.replace(/^- /,"")))):[];return x`<div class="dl-pg-card" data-variant=${r.id??"original"} data-pending=${r.pending?"true":void 0}>
    <div class="dl-pg-card-head"><b>${s}</b>${" · "}<span class="dl-pg-model" title=${r.model}>${r.model}</span>
      ${r.id!==void 0&&x`<button class="dl-pg-drop" title="Forget this variant"
        onClick=${()=>e.send({type:"drop-variant",variant:r.id})}>✕</button>`}</div>
    ${r.pending&&x`<div class="dl-note dl-pg-sending">sending…</div>`}
    ${r.error&&x`<div class="dl-edit-error" role="alert">${r.error}</div>`}
    ${r.passed!==void 0&&x`<${Ss} passed=${r.passed} errors=${r.errors} />`}
    ${r.fields&&x`<${Cs} fields=${r.fields} Cell=${a} full=${o} />`}
    ${l.map(i=>x`<div class="dl-pg-field-error">${i}</div>`)}
    ${r.completion!==void 0&&x`<details class="dl-pg-completion"><summary>completion</summary>
      <pre class="dl-pre"><${a} cell=${r.completion} full=${o} /></pre></details>`}
    ${r.facts&&x`<div class="dl-facts">${r.facts.join(" · ")}</div>`}
    ${r.passed!==void 0&&r.id!==void 0&&x`<div class="dl-pg-actions">
      <button class="dl-pg-use" disabled=${!r.can_use||!t.available}
        title=${r.can_use?"Give the program's node these instructions (and demos)":"Raw messages: no instructions to use"}
        onClick=${()=>e.send({type:"use-instructions",variant:r.id})}>Use these instructions</button>
      <button class="dl-pg-fork" disabled=${!r.can_use||!t.available}
        title="Use them, then run the graph again from this node as a fork"
        onClick=${()=>e.send({type:"fork-with",variant:r.id})}>Fork from here with them</button>
    </div>`}
  </div>`}function As({model:e,pg:t}){let n=t.editor,[s,a]=C("structured"),[o,r]=C(()=>n.messages.map($=>({...$}))),[l,i]=C(n.instructions),[d,c]=C(n.demos),[u,f]=C(()=>({...n.inputs})),[p,g]=C(""),h=($,_)=>Math.min(_,Math.max(2,String($).split(`
`).length)),b=($,_)=>$===_?null:$,v=()=>e.send(s==="messages"?{type:"resend",id:++Yt,call:t.call,mode:s,model:p,messages:o.map(($,_)=>$.content===n.messages[_].content?null:$)}:{type:"resend",id:++Yt,call:t.call,mode:s,model:p,instructions:b(l,n.instructions),demos:b(d,n.demos),inputs:Object.fromEntries(Object.entries(u).filter(([$,_])=>_!==n.inputs[$]))});return x`<div class="dl-pg-editor" data-mode=${s}>
    <div class="dl-pg-modes" role="radiogroup">
      <label><input type="radio" name=${`dl-pg-mode-${t.call}`} checked=${s==="structured"}
        onChange=${()=>a("structured")} /> instructions, demos, inputs</label>
      <label><input type="radio" name=${`dl-pg-mode-${t.call}`} checked=${s==="messages"}
        onChange=${()=>a("messages")} /> raw messages</label>
    </div>
    ${s==="structured"?x`<div class="dl-pg-structured">
        <label class="dl-pg-label">instructions<textarea class="dl-pg-text dl-pg-instructions" spellcheck="false"
          rows=${h(l,10)} value=${l}
          onInput=${$=>i($.currentTarget.value)}></textarea></label>
        <label class="dl-pg-label">demos (JSON list)<textarea class="dl-pg-text dl-pg-demos" spellcheck="false"
          rows=${h(d,8)} value=${d} onInput=${$=>c($.currentTarget.value)}></textarea></label>
        ${Object.keys(u).map($=>x`<label class="dl-pg-label" data-input=${$}>${$} (JSON)<textarea
          class="dl-pg-text dl-pg-input" spellcheck="false" rows=${h(u[$],6)} value=${u[$]}
          onInput=${_=>f({...u,[$]:_.currentTarget.value})}></textarea></label>`)}
      </div>`:x`<div class="dl-pg-messages">${o.map(($,_)=>x`<label class="dl-pg-label" data-role=${$.role}>
        ${$.role}<textarea class="dl-pg-text dl-pg-message" spellcheck="false" rows=${h($.content,12)}
          value=${$.content} onInput=${y=>r(o.map((D,R)=>R===_?{...D,content:y.currentTarget.value}:D))}></textarea></label>`)}</div>`}
    <div class="dl-pg-send-line">
      <label class="dl-pick">model <select class="dl-pg-model-pick" value=${p}
        onChange=${$=>g($.currentTarget.value)}>
        ${t.models.map($=>x`<option value=${$.value}>${$.label}</option>`)}</select></label>
      <button class="dl-pg-send" disabled=${!t.available} title=${t.why||"Send this call to the model"}
        onClick=${v}>Send</button>
    </div>
    ${t.error&&x`<div class="dl-edit-error" role="alert">${t.error}</div>`}
  </div>`}function sn({model:e,pg:t,Cell:n,full:s}){if(!t)return null;let a=!!(t.editing&&t.editor),o=()=>e.send({type:"resend-editor",call:t.call,open:!a});return x`<div class="dl-pg" data-call=${t.call}>
    <div class="dl-pg-bar">
      <button class="dl-pg-open" aria-expanded=${a?"true":"false"} disabled=${t.available===!1&&!a}
        title=${t.why||"Edit this call and send it again"} onClick=${o}>${a?"Close the editor":"✎ Edit and send again"}</button>
      ${t.version&&x`<span class="dl-pg-version" title=${t.version}>${t.version}</span>`}
    </div>
    ${a&&x`<${As} key=${t.call} model=${e} pg=${t} />`}
    ${t.original&&(a||t.variants.length>0)&&x`<div class="dl-pg-variants">
      <${Zt} model=${e} pg=${t} variant=${t.original} label="original" Cell=${n} full=${s} />
      ${t.variants.map((r,l)=>x`<${Zt} key=${r.id} model=${e} pg=${t} variant=${r}
        label=${`variant ${l+1}`} Cell=${n} full=${s} />`)}
    </div>`}
  </div>`}var B=N.bind(P);function an({title:e,fields:t,edits:n,setEdits:s,error:a,next:o}){return B`<div class="dl-state">
    <div class="dl-state-title">${e}</div>
    ${a&&!a.field&&B`<div class="dl-edit-error" role="alert">${a.message}</div>`}
    <div class="dl-fields">
      ${t.map(r=>{let l=Object.hasOwn(n,r.name)?n[r.name]:r.text,i=Object.hasOwn(n,r.name)&&n[r.name]!==r.text,d=a&&a.field===r.name,c=Math.min(8,Math.max(1,l.split(`
`).length));return B`<div class="dl-field" data-field=${r.name} data-edited=${i?"true":void 0}
            data-invalid=${d?"true":void 0}>
          <label class="dl-field-name" title=${r.reads?`read by node '${o}'`:""}>${r.name}${r.reads?B`<span class="dl-reads"> · read by ${o}</span>`:null}</label>
          <textarea class="dl-field-value" rows=${c} spellcheck="false" readonly=${!r.editable}
            aria-invalid=${d?"true":"false"} value=${l}
            onInput=${u=>s({...n,[r.name]:u.currentTarget.value})}></textarea>
          ${d&&B`<div class="dl-edit-error" role="alert">${a.message}</div>`}
        </div>`})}
    </div>
  </div>`}function Ts(e,t){let n={};for(let s of e)Object.hasOwn(t,s.name)&&t[s.name]!==s.text&&(n[s.name]=t[s.name]);return n}function Ms({model:e,list:t,enabled:n}){if(!n&&!t.length)return null;let s=a=>e.send({type:"breakpoint",node:a.node,when:a.when});return B`<span class="dl-bp-list" aria-label="breakpoints">
    <span class="dl-bp-title"><span class="dl-bp-icon" aria-hidden="true"></span>breakpoints</span>
    ${!t.length&&B`<span class="dl-bp-none">none: click a ◌ on a node</span>`}
    ${t.map(a=>B`<button class="dl-bp-item" data-node=${a.node} data-when=${a.when} disabled=${!n}
      title=${`Clear the breakpoint ${a.when} '${a.node}'`} onClick=${()=>s(a)}>${a.when} ${a.node} ✕</button>`)}
    ${t.length>1&&B`<button class="dl-bp-clear-all" disabled=${!n} title="Clear every breakpoint"
      onClick=${()=>t.forEach(s)}>clear all</button>`}
  </span>`}function Es(e,t){if(e&&Array.isArray(e.breakpoints))return e.breakpoints;let n=t||{};return["before","after"].flatMap(s=>(n[s]||[]).map(a=>({node:a,when:s})))}function on({model:e,debug:t,breakpoints:n}){let s=t||{},a=s.paused,o=s.fork&&(s.fork.available||s.fork.editing)?s.fork:null,r=a&&a.key||o&&o.key||"",[l,i]=C({});te(()=>i({}),[r]);let d=s.runs,c=(f,p)=>e.send({type:f,update:Ts(p||[],l)}),u=o&&o.editing;return B`<div class="dl-debug" data-mode=${a?"paused":u?"fork":"idle"}>
    <div class="dl-debug-row">
      ${a&&B`<span class="dl-paused-at">‖ paused ${a.when} '${a.node}'</span>
        ${a.note&&B`<span class="dl-paused-next" title=${a.note}>${a.note}</span>`}
        <button class="dl-continue" disabled=${!a.enabled} title="Go on from the pause with the edited state"
          onClick=${()=>c("resume",a.fields)}>▶ Continue</button>
        <button class="dl-step" disabled=${!a.enabled} title="Run the next step (all the nodes it runs at once), then pause again"
          onClick=${()=>c("step",a.fields)}>Step ▸</button>`}
      ${o&&!u&&B`<button class="dl-fork-open"
          title="Run again from the step the slider shows, as a new run (edit the state first)"
          onClick=${()=>e.send({type:"fork-editor",open:!0})}>↪ Run from here…</button>
        <span class="dl-fork-note" title=${o.note||""}>${o.note}</span>`}
      ${u&&B`<button class="dl-fork-run" title="Start the fork with the edited state"
          onClick=${()=>c("fork",o.fields)}>↪ Run fork</button>
        <button class="dl-fork-cancel" onClick=${()=>e.send({type:"fork-editor",open:!1})}>Cancel</button>
        <span class="dl-fork-note" title=${o.note||""}>${o.note}</span>`}
      ${d&&B`<label class="dl-runs-label">run
        <select class="dl-runs" disabled=${!d.enabled} value=${String(d.value??-1)}
          onChange=${f=>e.send({type:"show-run",index:+f.currentTarget.value})}>
          ${d.options.map(f=>B`<option value=${String(f.value)}>${f.label}</option>`)}
        </select></label>`}
      ${s.diff&&B`<span class="dl-diff-note" data-changed=${s.diff.changed.length?"true":"false"}>${s.diff.text}</span>`}
      <${Ms} model=${e} list=${Es(t,n)} enabled=${!!s.can_break} />
    </div>
    ${a&&B`<${an} title=${"State at the pause: edit a value (JSON), then Continue or Step"}
      fields=${a.fields} edits=${l} setEdits=${i} error=${s.error} next=${a.next} />`}
    ${u&&B`<${an} title=${"State to run from: edit a value (JSON), then Run fork"}
      fields=${o.fields||[]} edits=${l} setEdits=${i} error=${s.error} next=${o.next} />`}
    ${!a&&!u&&s.error&&B`<div class="dl-edit-error" role="alert">${s.error.message}</div>`}
  </div>`}var Ps="http://www.w3.org/2000/svg",rn=["before","after"],nt={changed:["≠","output differs from the parent run's"],same:["=","same output as the parent run"],added:["+","ran only in this fork"],removed:["−","ran in the parent run after the branch, not in this fork"]};function Q(e,t){let n=document.createElementNS(Ps,e);for(let[s,a]of Object.entries(t))n.setAttribute(s,String(a));return n}function ln(e,t){let n=e.querySelector(":scope > title");n||(n=Q("title",{}),e.prepend(n)),n.textContent!==t&&(n.textContent=t)}function dn(e,t){e.debug=new Map;for(let[n,s]of e.nodes){let a=t(s.group);if(!a)continue;let o={};for(let l of rn){let i=l==="before"?a.y1+1:a.y2-1,d=Q("g",{class:"dl-bp","data-when":l,tabindex:0,role:"button",transform:`translate(${a.x1+1} ${i})`});d.append(Q("circle",{class:"dl-bp-hit",r:9}),Q("circle",{class:"dl-bp-dot",r:5})),s.group.appendChild(d),o[l]=d}let r=Q("g",{class:"dl-diff",transform:`translate(${a.x2} ${(a.y1+a.y2)/2})`});r.append(Q("rect",{x:-9,y:-8,width:18,height:16,rx:4,ry:4}),Q("text",{x:0,y:4,"text-anchor":"middle","font-size":12})),r.style.display="none",s.group.appendChild(r),e.debug.set(n,{pins:o,badge:r})}}function Ne(e,t,n,s){if(!e.debug)return;let a=t.paused||null,o=t.diff||{},r=new Set(t.inherited||[]);for(let[l,{pins:i,badge:d}]of e.debug){let c=e.nodes.get(l).group;for(let f of rn){let p=(n&&n[f]||[]).includes(l),g=i[f];p?g.setAttribute("data-on","true"):g.removeAttribute("data-on"),g.style.display=s||p?"":"none",ln(g,`${p?"Breakpoint: pause":"Click to pause"} ${f} '${l}'${p?" (click to clear)":""}`)}r.has(l)?c.setAttribute("data-inherited","true"):c.removeAttribute("data-inherited"),a&&a.node===l?c.setAttribute("data-paused",String(a.when)):c.removeAttribute("data-paused");let u=Object.hasOwn(o,l)&&Object.hasOwn(nt,o[l])?o[l]:null;u?(c.setAttribute("data-diff",u),d.querySelector("text").textContent=nt[u][0],ln(d,nt[u][1]),d.style.display=""):(c.removeAttribute("data-diff"),d.style.display="none")}}function cn(e,t){let n=e.target.closest?.("g.dl-bp[data-when]"),s=n&&n.closest("g.node[data-node]");return!s||!t.contains(s)?null:{node:s.getAttribute("data-node"),when:n.getAttribute("data-when")}}var je=N.bind(P);function un(e,t){ce(e.nodeGroups(),e.notes.progress,t,{cls:"dl-progress",attr:"data-progress",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2-5,y:s.y2+10,anchor:"end"}},show:n=>({value:n.text,label:`${n.text} done`,hint:String(n.hint??"")})})}function pn(e,t){ce(e.edges,e.notes.sends,t,{cls:"dl-sends",attr:"data-sends",place:n=>{let s=G({children:[...n.children].filter(a=>a.localName==="polygon")});return s&&{x:s.x2+4,y:s.y1,anchor:"start"}},show:(n,s)=>{let a=`${s.getAttribute("data-source")??""} → ${s.getAttribute("data-target")??""}`;return{value:n,label:`Send ×${n}`,hint:`${a}: ${n} instance${n===1?"":"s"} started by the router's latest Send map`}}})}function fn({rows:e,onSelect:t}){return je`<ul class="dl-instances">
    ${e.map(n=>je`<li><button class="dl-instance" data-visit=${n.visit} data-status=${n.status}
      data-selected=${n.selected?"true":void 0} title=${n.failure||n.status}
      onClick=${()=>t(n.visit)}>
      <span class="dl-instance-label">${n.label}</span>${" "}<span class="dl-instance-status">${n.status}</span>
      ${n.duration&&je`${" "}<span class="dl-instance-time">${n.duration}</span>`}
      ${n.failure&&je`${" "}<span class="dl-instance-failure">${n.failure}</span>`}
    </button></li>`)}
  </ul>`}var se=N.bind(P),Os=8,$n=3;function hn(e,t,n,s){let a=s-n;return a<=0?{left:"0%",width:"100%"}:{left:`min(${100*(e-n)/a}%, calc(100% - ${$n}px))`,width:`${100*(t-e)/a}%`,minWidth:`${$n}px`}}function Ns({call:e,bar:t}){let n=hn(e.start,e.end,t.start,t.end);return se`<span class="dl-call" data-attempt=${e.attempt??""} data-outcome=${e.outcome}
    style=${n} title=${e.hint}></span>`}function js({bar:e,span:t,selected:n,onSelect:s}){let a=hn(e.start,e.end,t[0],t[1]);return se`<div class="dl-bar" role="button" tabindex="0" data-visit=${e.visit} data-node=${e.node}
    data-task=${e.task||void 0} data-status=${e.status} data-live=${e.live?"true":void 0}
    data-selected=${n?"true":void 0} style=${a} title=${e.hint}
    onClick=${()=>s(e.visit)} onKeyDown=${o=>o.key==="Enter"&&s(e.visit)}>
    ${e.calls.map(o=>se`<${Ns} call=${o} bar=${e} />`)}
    <span class="dl-bar-label">${e.node}</span>
  </div>`}function _n({model:e,body:t}){let n=t.span||[0,0],s=o=>e.send({type:"select",visit:o}),a=t.bars||[];return se`<div class="dl-waterfall">
    <div class="dl-scope">${t.scope}</div>
    <div class="dl-lanes" style=${{minWidth:`${a.length*Os}px`}}>
      ${(t.lanes||[]).map((o,r)=>se`<div class="dl-lane" data-lane=${o.lane}>
        <span class="dl-lane-label" title=${o.label}>${o.label}</span>
        <div class="dl-lane-track">
          ${a.filter(l=>l.lane===r).map(l=>se`<${js} bar=${l} span=${n}
            selected=${l.visit===t.selected} onSelect=${s} />`)}
        </div>
      </div>`)}
    </div>
    <div class="dl-waterfall-key">
      <span class="dl-call" data-outcome="answer"></span> model call
      <span class="dl-call" data-outcome="rejected"></span> answer rejected (retried)
      <span class="dl-call" data-outcome="cached"></span> cached
    </div>
  </div>`}var st=N.bind(P),Bs=["1","2","5","every"],Ds=3e3;function ue(e,t){return t<=0?0:e[Math.min(t,e.length)-1]}function Ls(e,t){let n={key:"",t:[],steps:[]},s=0,a=!1,o=null,r=null,l=null,i={speed:1,every:null},d=()=>n.t.length,c=()=>t({playing:a,pos:s,ms:ue(n.t,s),total:ue(n.t,d())}),u=()=>{r!==null&&clearTimeout(r),r=null},f=v=>{let $=v-l.wall;if(i.every){let T=Math.min(n.steps.length-1,l.step+Math.floor($/(i.every*1e3))),q=T<0?d():n.steps[T],fe=T+1<n.steps.length?(T+1-l.step)*i.every*1e3-$:null;return{p:Math.max(q,l.p),next:fe}}let _=l.ms+$*i.speed,y=l.p,D=d();for(;y<D;){let T=y+D+1>>1;ue(n.t,T)<=_?y=T:D=T-1}let R=y<d()?(ue(n.t,y+1)-_)/i.speed:null;return{p:y,next:R}},p=v=>{s=v,c();let $=o=Promise.race([e.show(v),new Promise(_=>setTimeout(_,Ds))]);$.then(()=>{o===$&&(o=null,a&&g())})},g=()=>{if(u(),!a)return;let{p:v,next:$}=f(performance.now());if(o===null&&v!==s&&p(v),o===null&&v>=d()){a=!1,c();return}$!==null&&(r=setTimeout(g,Math.max(0,$)))},h=v=>n.steps.findIndex($=>$>v),b={get playing(){return a},get pos(){return s},update(v,$){let _=v||{key:"",t:[],steps:[]};_.key!==n.key&&b.pause(),n=_,!a&&o===null&&Number.isInteger($)&&(s=$)},play(v={}){if(!d())return;(v.speed||v.every)&&(i={speed:v.speed||1,every:v.every||null}),u();let $=s;$>=d()&&($=0,p(0)),l={wall:performance.now(),ms:ue(n.t,$),p:$,step:h($)},a=!0,c(),o===null&&g()},pause(){u(),a&&(a=!1,c())},toggle(v){a?b.pause():b.play(v)},step(v){b.pause();let $=[0,...n.steps],_=s;for(let y=0;y<Math.abs(v);y+=1){let D=v>0?$.find(R=>R>_):$.findLast(R=>R<_);if(D===void 0)break;_=D}_!==s&&p(_)},dispose(){a=!1,u()}};return b}function bn({player:e,state:t,mode:n,setMode:s}){let a=()=>n.speed==="every"?{every:n.every}:{speed:+n.speed},o=l=>(l/1e3).toFixed(1),r=l=>l.preventDefault();return st`<span class="dl-player" data-playing=${t.playing?"true":"false"} data-pos=${t.pos}>
    <button class="dl-step-back" onMouseDown=${r} title="Back one graph step (←)" aria-label="back one step"
      onClick=${()=>e.step(-1)}>◀▮</button>
    <button class="dl-play" onMouseDown=${r} title=${t.playing?"Pause (space)":"Play the run as it happened (space)"}
      aria-label=${t.playing?"pause":"play"} onClick=${()=>e.toggle(a())}>${t.playing?"⏸":"▶"}</button>
    <button class="dl-step-fwd" onMouseDown=${r} title="Forward one graph step (→)" aria-label="forward one step"
      onClick=${()=>e.step(1)}>▮▶</button>
    <select class="dl-speed" title="Speed: real time, faster, or one graph step every N seconds" value=${n.speed}
      onChange=${l=>{let i={...n,speed:l.currentTarget.value};s(i),e.playing&&e.play(i.speed==="every"?{every:i.every}:{speed:+i.speed})}}>
      ${!Bs.includes(n.speed)&&st`<option value=${n.speed}>${n.speed}x</option>`}
      <option value="1">1x</option><option value="2">2x</option><option value="5">5x</option>
      <option value="every">step / N s</option>
    </select>
    ${n.speed==="every"&&st`<input class="dl-every" type="number" min="0.1" step="0.5" value=${n.every}
      title="seconds per graph step" aria-label="seconds per graph step"
      onChange=${l=>{let i=Math.max(.1,+l.currentTarget.value||1);s({...n,every:i}),e.playing&&e.play({every:i})}} />`}
    <span class="dl-play-time">${o(t.ms)} / ${o(t.total)} s</span>
  </span>`}function mn(e,t,n){let s=I(null),[a,o]=C({playing:!1,pos:0,ms:0,total:0}),[r,l]=C({speed:"1",every:2}),i=I(null);i.current===null&&(i.current=Ls({show:u=>new Promise(f=>{s.current&&s.current.resolve(),s.current={p:u,resolve:f},e.send({type:"seek",step:u})})},o));let d=i.current,c=t?t.value:null;return te(()=>d.update(t?n:null,c),[t,n]),L(()=>{let u=s.current;u&&u.p===c&&(s.current=null,u.resolve())},[c]),L(()=>{t||d.pause()},[!!t]),L(()=>{let u=f=>{if(!(!f||f.type!=="player"))if(f.do==="play"){let p=typeof f.every=="number"?f.every:null,g=typeof f.speed=="number"?f.speed:1;l(p?{speed:"every",every:p}:h=>({...h,speed:String(g)})),d.play(p?{every:p}:{speed:g})}else f.do==="pause"?d.pause():f.do==="step"&&d.step(f.by||1)};return e.on("msg:custom",u),()=>{e.off("msg:custom",u),d.dispose()}},[e]),{player:d,state:a,mode:r,setMode:l}}function gn(e,t,n){if(n.defaultPrevented||n.altKey||n.ctrlKey||n.metaKey)return;let s=n.target;if(s&&s.closest&&s.closest("textarea, select, input:not(.dl-replay), [contenteditable], button:not(.dl-player button)"))return;let a=t.speed==="every"?{every:t.every}:{speed:+t.speed};if(n.key===" ")e.toggle(a);else if(n.key==="ArrowLeft")e.step(-1);else if(n.key==="ArrowRight")e.step(1);else return;n.preventDefault()}var m=N.bind(P),Rs=new Set(["finished","failed","cancelled"]);function F(e,t){let[n,s]=C(()=>e.get(t));return L(()=>{let a=()=>s(e.get(t));return e.on(`change:${t}`,a),a(),()=>e.off(`change:${t}`,a)},[e,t]),n}var Is=[["paused","paused here"],["breakpoint","breakpoint (click a ◌ to set)"],["inherited","ran before the fork"],["diff","output ≠ parent run"]];function zs({debug:e,joins:t,sends:n}){return m`<div class="dl-legend" aria-label="legend">
    ${et.map(s=>m`<span class="dl-key" data-status=${s}><span class="dl-swatch"></span>${s}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>path taken</span>
    <span class="dl-key" data-mark="taken"><span class="dl-line"></span>last edge</span>
    ${t&&m`<span class="dl-key" data-mark="join"><span class="dl-swatch"></span>join (waits for all)</span>`}
    ${n&&m`<span class="dl-key" data-mark="send"><span class="dl-line"></span>Send map (×instances)</span>`}
    ${e&&Is.map(([s,a])=>m`<span class="dl-key" data-mark=${s}><span
      class="dl-swatch" aria-hidden="true">${s==="diff"?"≠":""}</span>${a}</span>`)}
  </div>`}function Fs({svg:e,stalled:t}){if(!e)return null;let n=`data:image/svg+xml;charset=utf-8,${encodeURIComponent(e)}`;return m`<div class="dl-still">
    <img class="dl-still-img" alt="the graph (static picture)" src=${n} />
    ${t&&m`<div class="dl-still-note">static picture: no kernel</div>`}
  </div>`}var rt=new WeakMap,qs=40,Us=600;function Hs(e){let t=[],n=()=>{let s=(e.get("_picture")||{}).status;if(!s)return;let a=t[t.length-1];a&&JSON.stringify(a)===JSON.stringify(s)||(t.push(s),t.length>qs&&t.splice(1,1))};n(),e.on("change:_picture",n),rt.set(e,{seen:t,stop:()=>e.off("change:_picture",n)})}function Gs(e){let t=rt.get(e);return t?(t.stop(),rt.delete(e),t.seen.length>1?t.seen:[]):[]}async function Ws(e,t,n,s){if(!t.length)return;let a=Us/t.length;for(let o of t){if(!s())return;e.apply({...n.current,status:o}),await new Promise(r=>setTimeout(r,a))}}function at(e,t){nn(e,t.calls),un(e,t.progress),pn(e,t.sends)}function ae({model:e,layout:t,picture:n,debug:s,legend:a}){let o=I(null),r=I(null),l=I(n),i=I(n.run_state),[d,c]=C(""),[u,f]=C(!1),[p,g]=C(!1),h=F(e,"_still")||"";l.current=n;let b=I(s);b.current=s,L(()=>{let _=setTimeout(()=>g(Ot()),Ze);return()=>clearTimeout(_)},[]),L(()=>{let _=!0;if(r.current=null,!!t.dot)return(async()=>{try{let y=await Qe(e),D=getComputedStyle(o.current).fontFamily,R=await Ht(y,t.dot,D);if(!_)return;let T=new Pe(R,t),q=Gs(e);if(T.apply(q.length?{...l.current,status:q[0]}:l.current),b.current&&(dn(T,G),Ne(T,l.current,b.current.breakpoints,b.current.enabled)),o.current.replaceChildren(R),at(T,l.current),f(!0),c(""),await Ws(T,q,l,()=>_),!_)return;T.apply(l.current),b.current&&Ne(T,l.current,b.current.breakpoints,b.current.enabled),at(T,l.current),r.current=T,requestAnimationFrame(()=>Ce(e,R))}catch(y){_&&c(`Could not lay out the graph: ${y&&y.message?y.message:y}`)}})(),()=>{_=!1}},[t.dot]),L(()=>{let _=r.current;if(!_)return;_.apply(n),at(_,n);let y=n.run_state;y!==i.current&&Rs.has(y)&&requestAnimationFrame(()=>Ce(e,_.svg)),i.current=y},[n]),L(()=>{r.current&&s&&Ne(r.current,n,s.breakpoints,s.enabled)},[n,s&&s.breakpoints,s&&s.enabled]);let v=_=>{let y=s&&s.enabled?cn(_,o.current):null;if(y){if(_.type==="keydown"&&_.key!=="Enter"&&_.key!==" ")return;_.preventDefault(),e.send({type:"breakpoint",node:y.node,when:y.when});return}let D=_.target.closest?.("g.node[data-node]");if(!D||!o.current.contains(D)||_.type==="keydown"&&_.key!=="Enter"&&_.key!==" ")return;_.preventDefault();let R=D.getAttribute("data-node");e.send({type:"select",node:n.selected===R?"":R})},$=n.run_state||"idle";return m`<div class="dspyer-graphview" data-run-state=${$}>
    <div class="dl-caption">${$==="idle"?"":$}</div>
    ${!u&&m`<${Fs} svg=${h} stalled=${p} />`}
    <div class="dl-stage" ref=${o} onClick=${v} onKeyDown=${v}></div>
    ${d&&m`<pre class="dl-error">${d}</pre>`}
    ${a||m`<${zs} debug=${!!s} joins=${Object.keys(t.joins||{}).length>0}
      sends=${Object.keys(n.sends||{}).length>0} />`}
  </div>`}function Js({model:e}){let t=F(e,"_layout")||{},n=F(e,"_picture")||{};return m`<${ae} model=${e} layout=${t} picture=${n} />`}function Ks(e){let[t,n]=C({});return L(()=>{let a=o=>{!o||o.type!=="full-text"||typeof o.handle!="string"||n(r=>({...r,[o.handle]:String(o.text??"")}))};return e.on("msg:custom",a),()=>e.off("msg:custom",a)},[e]),{texts:t,ask:a=>{Object.hasOwn(t,a)||e.send({type:"full-text",handle:a})}}}function Le({cell:e,full:t}){if(typeof e=="string"||e===null||e===void 0)return String(e??"");let n=t.texts[e.full];return n!==void 0?n:m`<span class="dl-clipped">${e.text}<button class="dl-more" title="show the full value"
    onClick=${()=>t.ask(e.full)}>show all</button></span>`}function Vs({block:e,full:t}){let[n,s]=C(!1);L(()=>{n&&t.ask(e.full)},[n,e.full]);let a=t.texts[e.full];return m`<details class="dl-fold" open=${n} onToggle=${o=>s(o.currentTarget.open)}>
    <summary>${e.fold}</summary>
    <pre class="dl-pre">${n?a??"loading…":""}</pre>
  </details>`}function Xs({table:e,full:t}){let n=new Set(e.changed||[]);return m`<div class="dl-scroll"><table class="dl-table">
    <thead><tr>${e.head.map(s=>m`<th>${s}</th>`)}</tr></thead>
    <tbody>${e.rows.map((s,a)=>m`<tr class=${n.has(a)?"dl-changed":""}>
      ${s.map((o,r)=>r===0?m`<th scope="row">${o}</th>`:m`<td><${Le} cell=${o} full=${t} /></td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Be({blocks:e,full:t,onSelect:n}){return(e||[]).map(s=>s.facts?m`<div class="dl-facts"><b>${s.facts[0]}</b>${s.facts.slice(1).map(a=>` · ${a}`)}</div>`:s.title!==void 0?m`<div class="dl-title">${s.title}</div>`:s.note!==void 0?m`<div class="dl-note">${s.note}</div>`:s.pre!==void 0?m`<pre class="dl-pre"><${Le} cell=${s.pre} full=${t} /></pre>`:s.table?m`<${Xs} table=${s.table} full=${t} />`:s.fold!==void 0?m`<${Vs} block=${s} full=${t} />`:s.message?m`<${Qt} message=${s.message} full=${t} Cell=${Le} />`:s.stream?m`<${en} stream=${s.stream} />`:s.instances&&n?m`<${fn} rows=${s.instances} onSelect=${n} />`:null)}function ot({label:e,picker:t,onPick:n}){if(!t)return null;let s=t.options.findIndex(a=>JSON.stringify(a.value)===JSON.stringify(t.value));return m`<label class="dl-pick">${e}
    <select class="dl-picker" value=${String(s)}
      onChange=${a=>n(t.options[+a.currentTarget.value].value)}>
      ${s<0&&m`<option value="-1">—</option>`}
      ${t.options.map((a,o)=>m`<option value=${String(o)}>${a.label}</option>`)}
    </select></label>`}function Ys({model:e,toolbar:t,play:n,presenter:s}){let a=t||{},o=a.stop||{},r=a.replay,l=!o.enabled&&a.run_state==="running"&&o.hint,i=F(e,"_store_note")||"",d=n.state.playing;return m`<div class="dl-toolbar">
    <div class="dl-toolbar-line">
      ${o.shown&&m`<button class="dl-stop" disabled=${!o.enabled} title=${o.hint||""}
        onClick=${()=>e.send({type:"stop"})}>■ Stop</button>`}
      <span class="dl-status" title=${[a.status,i].filter(Boolean).join(`
`)}
        data-stored=${i||void 0}>${a.status||""}</span>
      ${l&&m`<span class="dl-stop-hint" title=${o.hint}>${o.hint}</span>`}
      <button class="dl-presenter-toggle" aria-pressed=${s?"true":"false"}
        title="Presenter mode: the graph large and the current node's essentials in large type, for a projector"
        onClick=${()=>e.send({type:"presenter-mode",on:!s})}>${s?"✕ Presenter":"Presenter"}</button>
    </div>
    <div class="dl-toolbar-line dl-calls-line"><${tn} text=${a.calls} /></div>
    <div class="dl-toolbar-line dl-replay-line">
      ${r&&m`<${bn} player=${n.player} state=${n.state} mode=${n.mode}
          setMode=${n.setMode} />
        <label class="dl-replay-label">replay
        <input class="dl-replay" type="range" min="0" max=${r.max} value=${d?n.state.pos:r.value}
          onInput=${c=>{n.player.pause(),e.send({type:"seek",step:+c.currentTarget.value})}} /></label>
        <span class="dl-replay-note" title=${r.note||""}>${r.note}</span>`}
    </div>
  </div>`}function Zs({info:e}){return m`<div class="dl-essentials" data-node=${e.node||void 0} data-status=${e.status||void 0}>
    ${e.node?m`<div class="dl-ess-head"><span class="dl-ess-node">${e.node}</span>
      <span class="dl-ess-facts">${e.facts}</span></div>`:m`<div class="dl-ess-note">${e.note}</div>`}
    ${e.read&&e.read.length>0&&m`<section class="dl-ess-read"><div class="dl-ess-title">It read</div>
      ${e.read.map(([t,n])=>m`<div class="dl-ess-field"><span class="dl-ess-key">${t}</span>${" "}<span
        class="dl-ess-value">${n}</span></div>`)}</section>`}
    ${e.said&&m`<section class="dl-ess-said"><div class="dl-ess-title">${e.said.title}</div>
      <pre class="dl-ess-text">${e.said.text}</pre></section>`}
    ${e.rejected&&e.rejected.length>0&&m`<section class="dl-ess-rejected">
      <div class="dl-ess-title">Rejected</div>
      ${e.rejected.map(t=>m`<div class="dl-ess-reject"><b>${t.attempt}</b> · ${t.fields} · ${t.retry}
        <pre class="dl-ess-text">${t.text}</pre></div>`)}</section>`}
  </div>`}function Qs({model:e,timeline:t}){if(!t||!t.rows)return null;let n=a=>e.send({type:"page",offset:a}),s=t.rows.length||1;return m`<div class="dl-timeline">
    <div class="dl-pager">
      <button class="dl-older" disabled=${!t.older} onClick=${()=>n(t.offset+s)}>◀ older</button>
      <button class="dl-newer" disabled=${!t.newer} onClick=${()=>n(Math.max(0,t.offset-s))}>newer ▶</button>
      <button class="dl-newest" disabled=${!t.newer} onClick=${()=>n(0)}>newest</button>
      <span class="dl-position" title=${t.position}>${t.position}</span>
    </div>
    <div class="dl-rows" role="listbox">
      ${t.rows.map(a=>m`<div class="dl-row" role="option" tabindex="0" data-index=${a.i} data-kind=${a.kind}
        data-mine=${a.mine?"true":void 0} title=${`${a.t}  ${a.node}  ${a.kind}  ${a.text}`}
        onClick=${()=>e.send({type:"select",event:a.i})}
        onKeyDown=${o=>o.key==="Enter"&&e.send({type:"select",event:a.i})}>
        <span class="dl-when">${a.t}</span>${" "}<span class="dl-node">${a.node}</span>${" "}<span
          class="dl-kind">${a.kind}</span>${" "}<span class="dl-text">${a.text}</span>
      </div>`)}
    </div>
  </div>`}var ea=["node","calls","validation","result","error","waterfall"];function De(e){return e?JSON.parse(e):{}}function ta(e){return e&&typeof e.id=="string"?{[e.id]:e}:{}}function na(e){let t=e.get("_head")!==void 0,n=F(e,t?"_head":"_panel"),s=F(e,t?"_timeline":"_panel"),a=F(e,t?"_tab":"_panel"),o=A(()=>t?null:De(n),[t,n]),r=A(()=>o?o.head||{}:De(n),[o,n]),l=A(()=>o?o.timeline:De(s),[o,s]),i=A(()=>ta(o?o.tab:De(a)),[o,a]),d=I({});return d.current={...d.current,...i},{head:r,timeline:l,bodies:d.current}}var lt=new WeakMap;function sa({model:e,head:t,bodies:n,full:s}){let a=t.focus||{},[o,r]=C(()=>{let c=lt.get(e);return c&&c.n===a.n?c.tab:a.tab||"node"}),l=(c,u)=>{lt.set(e,{tab:c,n:a.n}),r(c),u&&e.send({type:"tab",tab:c})};te(()=>{let c=lt.get(e);c&&c.n===a.n||l(a.tab||o,!1)},[a.n]);let i=n[o],d=(c,u)=>u?c==="node"?m`<${ot} label="visit" picker=${u.visits}
        onPick=${f=>e.send({type:"select",visit:f})} />
      <${Be} blocks=${u.blocks} full=${s} onSelect=${f=>e.send({type:"select",visit:f})} />`:c==="calls"?m`<div class="dl-scope">${u.scope}</div>
      <${ot} label="call" picker=${u.calls} onPick=${f=>e.send({type:"call",index:f})} />
      <${sn} model=${e} pg=${t.debug&&t.debug.playground} Cell=${Le} full=${s} />
      <${Be} blocks=${u.blocks} full=${s} />`:c==="validation"?m`<div class="dl-scope">${u.scope}</div>
      <${ot} label="attempt" picker=${u.attempts}
        onPick=${f=>e.send({type:"attempt",key:f})} />
      <${Be} blocks=${u.blocks} full=${s} />`:c==="waterfall"?m`<${_n} model=${e} body=${u} />`:m`<${Be} blocks=${u.blocks} full=${s} />`:m`<div class="dl-note">loading…</div>`;return m`<div class="dl-side">
    <div class="dl-tabs" role="tablist">
      ${(t.tabs||[]).map(c=>m`<button class="dl-tab" role="tab" data-tab=${c.id}
        data-alert=${c.alert?"true":void 0} aria-selected=${c.id===o?"true":"false"}
        onClick=${()=>l(c.id,!0)}>${c.title}</button>`)}
    </div>
    <div class="dl-panel" role="tabpanel" data-tab=${o}>${ea.includes(o)?d(o,i):null}</div>
  </div>`}function pe({model:e}){let t=F(e,"_layout")||{},n=F(e,"_picture")||{},{head:s,timeline:a,bodies:o}=na(e),r=Ks(e),l=F(e,"breakpoints"),i=A(()=>({breakpoints:l,enabled:!!(s.debug&&s.debug.can_break)}),[l,s.debug&&s.debug.can_break]),d=s.toolbar&&s.toolbar.run_state||n.run_state||"idle",c=F(e,"_play"),u=A(()=>s.play||(c?JSON.parse(c):null),[s.play,c]),f=mn(e,s.toolbar&&s.toolbar.replay,u),p=s.presenter;return m`<div class="dspyer-lab" data-run-state=${d} data-presenter=${p?"true":void 0}
      data-playing=${f.state.playing?"true":void 0} tabindex="0" data-lm-suppress-shortcuts="true"
      onKeyDown=${g=>s.toolbar&&s.toolbar.replay&&gn(f.player,f.mode,g)}>
    <${Ys} model=${e} toolbar=${s.toolbar} play=${f} presenter=${!!p} />
    <${on} model=${e} debug=${s.debug} breakpoints=${l} />
    <div class="dl-body">
      <div class="dl-main">
        <${ae} model=${e} layout=${t} picture=${n} debug=${i} />
        <${Qs} model=${e} timeline=${a} />
      </div>
      ${p&&m`<${Zs} info=${p} />`}
      <${sa} model=${e} head=${s} bodies=${o} full=${r} />
    </div>
  </div>`}function aa({model:e}){Qe(e).catch(()=>{}),Hs(e)}function oa({model:e}){return m`<${Bt} model=${e} views=${{GraphPane:ae,Lab:pe}} useTrait=${F} />`}function la({model:e}){return m`<${Xt} model=${e} views=${{GraphPane:ae,Lab:pe}} useTrait=${F} />`}function ra({model:e}){return m`<${zt} model=${e} views=${{GraphPane:ae,Lab:pe}} useTrait=${F} />`}function ia({model:e}){return m`<${Wt} model=${e} views=${{GraphPane:ae,Lab:pe}} useTrait=${F} />`}function da({model:e,el:t}){let n={lab:pe,batch:oa,runs:la,compare:ra,optimize:ia}[e.get("_kind")]||Js;return We(m`<${n} model=${e} />`,t),()=>We(null,t)}var vn={initialize:aa,render:da};var ca=Symbol.for("dspyer-lab.viz"),ua=Symbol.for("dspyer-lab.viz.pending"),yn=["node","calls","validation","result","error"];function pa(e,t,n){t==="__proto__"?Object.defineProperty(e,t,{value:n,enumerable:!0,writable:!0,configurable:!0}):e[t]=n}function fa(e){let t=new Map,n=s=>{if(s>=0)return e.scalars[s];if(t.has(s))return t.get(s);let a=e.nodes[-s-1],o;if(a[0]===1){o={};for(let r=1;r<a.length;r+=2)pa(o,a[r],n(a[r+1]))}else if(a[0]===2){o=[];for(let r=1;r<a.length;r+=1)o.push(...n(a[r]))}else o=a.slice(1).map(n);return t.set(s,o),o};return n}function $a(e){let t=fa(e),n=new Map,s=(h,...b)=>(n.get(h)||[]).slice().forEach(v=>v(...b)),a=e.frames.length-1,o=null,r="node",l=!1,i=-1,d={_kind:"lab",_layout:e.layout,_play:JSON.stringify(e.play),_still:"",_store_note:"",breakpoints:{before:[],after:[]}},c=()=>JSON.stringify({...o.head,presenter:l?o.essentials:null}),u=()=>JSON.stringify({id:r,...o.tabs[r]||{}}),f=h=>{Object.assign(d,h);for(let b of Object.keys(h))s(`change:${b}`)},p=h=>{o=t(e.frames[Math.max(0,Math.min(a,h))]);let b=o.head.focus;b&&yn.includes(b.tab)&&b.n!==i&&(i=b.n,r=b.tab),f({_picture:o.picture,_head:c(),_timeline:JSON.stringify(o.timeline),_tab:u()})},g={get:h=>d[h],on(h,b){n.set(h,[...n.get(h)||[],b])},off(h,b){n.set(h,(n.get(h)||[]).filter(v=>v!==b))},send(h){if(!(!h||typeof h!="object")){if(h.type==="seek"&&Number.isInteger(h.step))p(h.step);else if(h.type==="tab"&&yn.includes(h.tab))r=h.tab,f({_tab:u()});else if(h.type==="presenter-mode")l=!!h.on,f({_head:c()});else if(h.type==="full-text"&&typeof h.handle=="string"){let b=/^x\d+$/.test(h.handle)?+h.handle.slice(1):-1,v=b>=0&&b<e.texts.length?e.texts[b]:"";queueMicrotask(()=>s("msg:custom",{type:"full-text",handle:h.handle,text:v}))}}}};return p(a),g}function ha(e){let n={renderJSON:()=>({}),renderSVGElement:()=>{let a=new DOMParser().parseFromString(e,"image/svg+xml");return document.importNode(a.documentElement,!0)}},s=Promise.resolve(n);globalThis[ca]=s,globalThis[ua]={promise:s,settled:!0,asked:new WeakSet,askedAt:Date.now()}}function _a(e){let t=()=>e.querySelector(".dl-stage svg")?(document.documentElement.setAttribute("data-first-frame",performance.now().toFixed(1)),!0):!1,n=new MutationObserver(()=>t()&&n.disconnect());n.observe(e,{childList:!0,subtree:!0})}async function ba(e){let t=JSON.parse(e.textContent);if(t.encoding!=="gzip+base64")throw new Error(`unknown encoding ${t.encoding}`);let n=Uint8Array.from(atob(t.data),a=>a.charCodeAt(0)),s=new Blob([n]).stream().pipeThrough(new DecompressionStream("gzip"));return JSON.parse(await new Response(s).text())}async function ma(){let e=document.getElementById("dl-export-data"),t=document.getElementById("dl-export");if(!e||!t)return;let n=await ba(e);if(!n.runs.length)return;let s=document.createElement("div"),a=null,o=d=>{a&&a();let c=n.runs[d];ha(c.svg),t.setAttribute("data-run",String(d)),_a(s),a=vn.render({model:$a(c),el:s}),requestAnimationFrame(()=>s.querySelector(".dspyer-lab")?.focus({preventScroll:!0}))},r=[];if(n.runs.length>1){let d=document.createElement("label");d.className="dl-export-pick",d.append("example ");let c=document.createElement("select");c.className="dl-export-run",n.labels.forEach((u,f)=>c.append(new Option(u,String(f)))),c.addEventListener("change",()=>o(+c.value)),d.append(c),r.push(d)}let l=t.querySelector(".dl-export-still"),i=l&&n.runs.length>1&&t.getAttribute("data-still")==="keep"?[l]:[];t.replaceChildren(...i,...r,s),o(0)}ma().catch(e=>{let t=document.querySelector(".dl-export-note");t&&(t.textContent=`This replay could not start (${e&&e.message?e.message:e}): the final picture shows.`)});
